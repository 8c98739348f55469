package org.provost.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.provost.directory.Problem.assertInvalid;
import static org.provost.directory.Problem.assertProblem;
import static org.provost.directory.Problem.body;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.provost.testing.Http;
import org.provost.testing.Http.Response;
import org.provost.testing.ProvostServer;

class TermApiTest {
  @RegisterExtension
  static final ProvostServer server = ProvostServer.builder().admin().build();
  static final Http http = server.http;
  static DatabaseState db;

  @BeforeAll
  static void seed() {
    db = new DatabaseState(server.jdbcUrl());
    create("2026-fall", "Fall 2026", "2026-09-01", "2026-12-20");
  }

  static Response create(String code, String name, String startsOn, String endsOn) {
    Response r = http.post("/v1/terms", server.admin(), body("code", code, "name", name, "starts_on", startsOn, "ends_on",
        endsOn));
    assertThat(r.status()).as("%s", r).isEqualTo(201);
    return r;
  }

  @Test
  void crud_createReadPatchDelete_roundTrips() {
    long revision = db.currentRevision();
    Response created = create("2027-spring", "Spring 2027", "2027-01-15", "2027-05-10");
    assertThat(created.json().getLong("revision")).as("a term changes no check").isEqualTo(revision);
    assertThat(http.get("/v1/terms/2027-spring", server.admin()).json()).isEqualTo(new JsonObject()
        .put("code", "2027-spring").put("name", "Spring 2027").put("starts_on", "2027-01-15")
        .put("ends_on", "2027-05-10"));

    Response patched = http.patch("/v1/terms/2027-spring", server.admin(), body("ends_on", "2027-05-20", "name", "Spring"));
    assertThat(patched.status()).as("%s", patched).isEqualTo(200);
    assertThat(patched.json().getString("ends_on")).isEqualTo("2027-05-20");
    assertThat(patched.json().getString("name")).isEqualTo("Spring");
    assertThat(patched.json().getString("starts_on")).isEqualTo("2027-01-15");

    Response oneDay = http.patch("/v1/terms/2027-spring", server.admin(), body("starts_on", "2027-05-20"));
    assertThat(oneDay.status()).as("a term may start and end on the same day").isEqualTo(200);

    assertThat(http.delete("/v1/terms/2027-spring", server.admin()).status()).isEqualTo(200);
    assertProblem(http.get("/v1/terms/2027-spring", server.admin()), 404, "not_found", null);
    assertThat(db.currentRevision()).isEqualTo(revision);
    assertThat(db.count("SELECT count(*) FROM audit_events WHERE target_type = 'term' AND target_id = ?",
        "2027-spring")).isEqualTo(4);
  }

  @Test
  void list_pagesInCodeOrder() {
    create("2025-fall", "Fall 2025", "2025-09-01", "2025-12-20");
    create("2025-spring", "Spring 2025", "2025-01-15", "2025-05-10");
    Response first = http.get("/v1/terms?limit=1", server.admin());
    assertThat(first.items().getJsonObject(0).getString("code")).isEqualTo("2025-fall");
    assertThat(first.json().getBoolean("has_more")).isTrue();
    Response second = http.get("/v1/terms?limit=1&after=" + first.json().getString("next"), server.admin());
    assertThat(second.items().getJsonObject(0).getString("code")).isEqualTo("2025-spring");
    assertThat(second.json().getBoolean("has_more")).isTrue();
  }

  @Test
  void patch_endsBeforeStart_is400NamingEndsOn() {
    Response early = db.assertNothingWritten(() -> http.patch("/v1/terms/2026-fall", server.admin(),
        body("ends_on", "2026-08-31")));
    assertInvalid(early, "ends_on");
    Response late = db.assertNothingWritten(() -> http.patch("/v1/terms/2026-fall", server.admin(),
        body("starts_on", "2027-01-01")));
    assertInvalid(late, "ends_on");
  }

  @Test
  void delete_withOffering_is409InUse() {
    create("2028-fall", "Fall 2028", "2028-09-01", "2028-12-20");
    assertThat(http.post("/v1/departments", server.admin(), body("code", "D", "name", "D")).status()).isEqualTo(201);
    assertThat(http.post("/v1/courses", server.admin(), body("code", "D1", "title", "t", "department", "D")).status())
        .isEqualTo(201);
    assertThat(http.post("/v1/offerings", server.admin(), body("course", "D1", "term", "2028-fall")).status())
        .isEqualTo(201);
    Response r = db.assertNothingWritten(() -> http.delete("/v1/terms/2028-fall", server.admin()));
    assertProblem(r, 409, "in_use", "code");
    assertThat(r.json().getString("detail")).contains("1 offerings");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      malformed JSON        | {"code": "t1", "name": "n", "starts_on": "2026-01-01",, }                                   | 400 | body
      code of wrong type    | {"code": 2026, "name": "n", "starts_on": "2026-01-01", "ends_on": "2026-02-01"}             | 400 | code
      upper-case code       | {"code": "2026-Fall", "name": "n", "starts_on": "2026-01-01", "ends_on": "2026-02-01"}      | 400 | code
      date of wrong type    | {"code": "t1", "name": "n", "starts_on": 20260101, "ends_on": "2026-02-01"}                 | 400 | starts_on
      not a date            | {"code": "t1", "name": "n", "starts_on": "2026-01-01", "ends_on": "2026-02-30"}             | 400 | ends_on
      missing starts_on     | {"code": "t1", "name": "n", "ends_on": "2026-02-01"}                                        | 400 | starts_on
      missing ends_on       | {"code": "t1", "name": "n", "starts_on": "2026-02-01"}                                      | 400 | ends_on
      missing name          | {"code": "t1", "starts_on": "2026-01-01", "ends_on": "2026-02-01"}                          | 400 | name
      ends before it starts | {"code": "t1", "name": "n", "starts_on": "2026-03-01", "ends_on": "2026-02-01"}             | 400 | ends_on
      unknown field         | {"code": "t1", "name": "n", "starts_on": "2026-01-01", "ends_on": "2026-02-01", "weeks": 5} | 400 | weeks
      duplicate code        | {"code": "2026-fall", "name": "n", "starts_on": "2026-01-01", "ends_on": "2026-02-01"}      | 409 | code
      """)
  void post_badInput_isRejectedNamingTheFieldAndWritesNothing(String why, String json, int status, String field) {
    Response r = db.assertNothingWritten(() -> http.send("POST", "/v1/terms", server.admin(), json, "application/json"));
    assertProblem(r, status, status == 409 ? "duplicate" : "invalid_input", field);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      malformed JSON     | {"name" "n"}            | body
      name null          | {"name": null}          | name
      starts_on null     | {"starts_on": null}     | starts_on
      date of wrong type | {"ends_on": true}       | ends_on
      not a date         | {"starts_on": "fall"}   | starts_on
      code changed       | {"code": "2026-autumn"} | code
      unknown field      | {"season": "fall"}      | season
      """)
  void patch_badInput_isRejectedNamingTheFieldAndWritesNothing(String why, String json, String field) {
    Response r = db.assertNothingWritten(() -> http.send("PATCH", "/v1/terms/2026-fall", server.admin(), json,
        "application/json"));
    assertInvalid(r, field);
  }
}
