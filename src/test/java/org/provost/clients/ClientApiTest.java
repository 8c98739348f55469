package org.provost.clients;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.provost.testing.Http.Response;
import org.provost.testing.ProvostServer;

class ClientApiTest {
  @RegisterExtension
  static final ProvostServer server = ProvostServer.builder().admin().build();

  @Test
  void apiKey_isShownOnce_andChecksWithIt_untilRevoked() {
    Response created = server.http.post("/v1/clients", server.admin(), new JsonObject().put("name", "lms"));
    assertThat(created.status()).isEqualTo(201);
    String key = created.json().getString("key");
    assertThat(key).startsWith("pvk_");
    assertThat(server.http.get("/v1/clients", server.admin()).body()).doesNotContain(key);

    Response check = server.http.get("/v1/check?subject=admin&permission=grades.write&resource=global", key);
    assertThat(check.status()).isEqualTo(200);
    assertThat(check.json().getBoolean("allowed")).isTrue();
    assertThat(server.http.get("/v1/users", key).status()).isEqualTo(403);

    assertThat(server.http.delete("/v1/clients/" + created.json().getLong("id"), server.admin()).json().getBoolean("revoked")).isTrue();
    assertThat(server.http.get("/v1/check?subject=admin&permission=grades.write", key).status()).isEqualTo(401);
    Response audit = server.http.get("/v1/audit?action=client.revoke", server.admin());
    assertThat(audit.items()).hasSize(1);
    assertThat(audit.items().getJsonObject(0).getString("actor")).isEqualTo("admin");
  }

  @Test
  void create_badInput_is400_duplicate_is409_unknownPermission_is400() {
    Response bad = server.http.post("/v1/clients", server.admin(), new JsonObject().put("name", "Bad Name!"));
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo("name");
    assertThat(server.http.post("/v1/clients", server.admin(), new JsonObject().put("name", "dup")).status()).isEqualTo(201);
    Response dup = server.http.post("/v1/clients", server.admin(), new JsonObject().put("name", "dup"));
    assertThat(dup.status()).isEqualTo(409);
    assertThat(dup.json().getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo("name");
    Response unknown = server.http.post("/v1/clients", server.admin(),
        new JsonObject().put("name", "x1").put("permissions", new JsonArray().add("no.such")));
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(server.http.get("/v1/clients", server.admin()).body()).doesNotContain("\"x1\"");
    assertThat(server.http.delete("/v1/clients/424242", server.admin()).status()).isEqualTo(404);
  }

  @Test
  void check_missingParameters_is400NamingThem_andUnknownSubjectIsFalse() {
    Response missing = server.http.get("/v1/check?permission=x.y", server.admin());
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.json().getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo("subject");
    Response unknown = server.http.get("/v1/check?subject=ghost&permission=grades.write", server.admin());
    assertThat(unknown.json().getBoolean("allowed")).isFalse();
    Response badScope = server.http.get("/v1/check?subject=admin&permission=x.y&resource=planet:mars", server.admin());
    assertThat(badScope.status()).isEqualTo(400);
    assertThat(badScope.json().getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo("resource");
  }

  @Test
  void audit_badTarget_is400_andStudentsCannotRead() {
    assertThat(server.http.get("/v1/audit?target=nocolon", server.admin()).status()).isEqualTo(400);
    server.http.post("/v1/users", server.admin(), new JsonObject().put("username", "stu").put("email", "stu@x.example")
        .put("type", "student").put("password", "long-enough-pw"));
    String stu = server.http.login("stu", "long-enough-pw");
    assertThat(server.http.get("/v1/audit", stu).status()).isEqualTo(403);
  }
}
