package org.provost.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.provost.db.Jdbc;
import org.provost.testing.Http.Response;
import org.provost.testing.ProvostServer;

class ImportApiTest {
  static final String HEADER = "external_id,username,email,given_name,family_name,type,department,active,verified\n";
  @RegisterExtension
  static final ProvostServer server = ProvostServer.builder().config("PROVOST_IMPORT_MAX_BYTES", "4096").admin().build();

  static Response post(String query, String token, String csv, String contentType) {
    return server.http.send("POST", "/v1/imports" + query, token, csv, contentType);
  }

  static long users() {
    return server.app().database().readPrimary(c -> Jdbc.one(c, "SELECT count(*) FROM users",
        rs -> rs.getLong(1)).orElseThrow());
  }

  static void assertProblem(Response r, int status, String field) {
    assertThat(r.status()).as(r.toString()).isEqualTo(status);
    assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(r.json().getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo(field);
  }

  @Test
  void post_csv_createsUsers_andAnswersTheReport() {
    Response r = post("", server.admin(), HEADER + "H1,hope,hope@example.edu,Hope,Ng,student,,,true\n", "text/csv");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    JsonObject report = r.json();
    assertThat(report.getJsonObject("counts").getInteger("created")).isEqualTo(1);
    assertThat(report.getBoolean("applied")).isTrue();
    assertThat(report.getLong("revision")).isPositive();
    assertThat(report.getJsonObject("samples").getJsonArray("created").getJsonObject(0).getString("username"))
        .isEqualTo("hope");
    Response found = server.http.get("/v1/users?q=hope", server.admin());
    assertThat(found.items().getJsonObject(0).getString("external_id")).isEqualTo("H1");
  }

  @Test
  void post_applied_vacuumsTheUsers_soIndexOnlyScansReadTheIndexAlone() {
    Response r = post("?snapshot=false", server.admin(), HEADER + "A1,vac,vac@example.edu,Vac,Uum,staff,,,true\n", "text/csv");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    // the import's rows are new tuples: only a VACUUM after it marks their pages all-visible again
    long notAllVisible = server.app().database().readPrimary(c -> Jdbc.one(c, """
        SELECT count(*) FROM pg_class WHERE oid = 'users'::regclass AND (relpages = 0 OR relallvisible < relpages)""",
        rs -> rs.getLong(1)).orElseThrow());
    assertThat(notAllVisible).isZero();
  }

  @Test
  void post_dryRun_answersTheReport_andWritesNothing() {
    long before = users();
    Response r = post("?dry_run=true&snapshot=false", server.admin(), HEADER + "D1,dry,dry@example.edu,,,staff,,,\n",
        "text/csv; charset=utf-8");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().getJsonObject("counts").getInteger("created")).isEqualTo(1);
    assertThat(r.json().getBoolean("applied")).isFalse();
    assertThat(users()).isEqualTo(before);
  }

  @Test
  void post_invalidRows_is400NamingLineAndField_andWritesNothing() {
    long before = users();
    Response r = post("", server.admin(), HEADER + "V1,valid,valid@example.edu,,,staff,,,\nV2,bad,nope,,,staff,,,\n",
        "text/csv");
    assertProblem(r, 400, "line[3].email");
    assertThat(r.json().getString("code")).isEqualTo("invalid_rows");
    assertThat(users()).isEqualTo(before);
  }

  @Test
  void post_skipInvalid_appliesTheRest_andListsTheInvalidRows() {
    Response r = post("?skip_invalid=true", server.admin(),
        HEADER + "K1,keep,keep@example.edu,,,staff,,,\nK2,bad,nope,,,staff,,,\n", "text/csv");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().getJsonObject("counts").getInteger("created")).isEqualTo(1);
    assertThat(r.json().getJsonArray("invalid").getJsonObject(0).getInteger("line")).isEqualTo(3);
  }

  @Test
  void post_badParameter_is400NamingIt() {
    assertProblem(post("?dry_run=maybe", server.admin(), HEADER, "text/csv"), 400, "dry_run");
    assertProblem(post("?skip_invalid=1", server.admin(), HEADER, "text/csv"), 400, "skip_invalid");
    assertProblem(post("?dryrun=true", server.admin(), HEADER, "text/csv"), 400, "dryrun");
  }

  @Test
  void post_unknownColumn_is400NamingTheColumn() {
    assertProblem(post("", server.admin(), "external_id,shoe_size\nX1,44\n", "text/csv"), 400, "shoe_size");
    assertProblem(post("", server.admin(), "", "text/csv"), 400, "header");
  }

  @Test
  void post_wrongContentType_is415() {
    long before = users();
    assertProblem(post("", server.admin(), "{\"external_id\": \"J1\"}", "application/json"), 415, "Content-Type");
    assertProblem(post("", server.admin(), HEADER, "text/csv; charset=latin1"), 415, "Content-Type");
    assertProblem(post("", server.admin(), HEADER, null), 415, "Content-Type");
    assertThat(users()).isEqualTo(before);
  }

  @Test
  void post_withoutImportsRun_is403_andWritesNothing() {
    Response created = server.http.post("/v1/users", server.admin(), new JsonObject().put("username", "clerk")
        .put("email", "clerk@example.edu").put("type", "staff").put("password", "clerk-password-1"));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    String clerk = server.http.login("clerk", "clerk-password-1");
    long before = users();
    Response r = post("", clerk, HEADER + "F1,forbidden,forbidden@example.edu,,,staff,,,\n", "text/csv");
    assertThat(r.status()).as(r.toString()).isEqualTo(403);
    assertThat(users()).isEqualTo(before);
  }

  @Test
  void post_withoutCredentials_is401() {
    assertThat(post("", null, HEADER, "text/csv").status()).isEqualTo(401);
  }

  @Test
  void post_overTheImportBodyLimit_is413() {
    StringBuilder csv = new StringBuilder(HEADER);
    for (int i = 0; csv.length() <= 4096; i++) csv.append("B").append(i).append(",b").append(i).append(",b").append(i)
        .append("@example.edu,,,staff,,,\n");
    long before = users();
    assertProblem(post("", server.admin(), csv.toString(), "text/csv"), 413, "body");
    assertThat(users()).isEqualTo(before);
  }
}
