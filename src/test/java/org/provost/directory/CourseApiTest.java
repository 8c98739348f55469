package org.provost.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.provost.directory.Problem.assertInvalid;
import static org.provost.directory.Problem.assertProblem;
import static org.provost.directory.Problem.body;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.provost.testing.Http;
import org.provost.testing.Http.Response;
import org.provost.testing.ProvostServer;

class CourseApiTest {
  @RegisterExtension
  static final ProvostServer server = ProvostServer.builder().admin().build();
  static final Http http = server.http;
  static DatabaseState db;

  @BeforeAll
  static void seed() {
    db = new DatabaseState(server.jdbcUrl());
    for (String d : List.of("CS", "MATH")) {
      assertThat(http.post("/v1/departments", server.admin(), body("code", d, "name", d)).status()).isEqualTo(201);
    }
    create("CS101", "Intro to Programming", "CS");
  }

  static Response create(String code, String title, String department) {
    Response r = http.post("/v1/courses", server.admin(), body("code", code, "title", title, "department", department));
    assertThat(r.status()).as("%s", r).isEqualTo(201);
    return r;
  }

  @Test
  void crud_createReadPatchDelete_roundTrips() {
    Response created = create("CS240", "Data Structures", "CS");
    assertThat(created.json().getLong("revision")).isEqualTo(db.currentRevision());
    assertThat(db.lastChange()).isEqualTo("course create");
    assertThat(http.get("/v1/courses/CS240", server.admin()).json()).isEqualTo(new JsonObject().put("code", "CS240")
        .put("title", "Data Structures").put("department", "CS"));

    long before = db.currentRevision();
    Response retitled = http.patch("/v1/courses/CS240", server.admin(), body("title", "Data Structures I"));
    assertThat(retitled.status()).as("%s", retitled).isEqualTo(200);
    assertThat(retitled.json().getString("title")).isEqualTo("Data Structures I");
    assertThat(db.currentRevision()).as("a new title changes no check").isEqualTo(before);

    Response moved = http.patch("/v1/courses/CS240", server.admin(), body("department", "MATH"));
    assertThat(moved.json().getString("department")).isEqualTo("MATH");
    assertThat(moved.json().getLong("revision")).isEqualTo(before + 1);
    assertThat(db.lastChange()).isEqualTo("course move");

    Response deleted = http.delete("/v1/courses/CS240", server.admin());
    assertThat(deleted.status()).isEqualTo(200);
    assertThat(deleted.json().getLong("revision")).isEqualTo(db.currentRevision());
    assertThat(db.lastChange()).isEqualTo("course delete");
    assertProblem(http.get("/v1/courses/CS240", server.admin()), 404, "not_found", null);
    assertThat(db.count("SELECT count(*) FROM audit_events WHERE target_type = 'course' AND target_id = 'CS240'"))
        .isEqualTo(4);
  }

  @Test
  void list_filtersByDepartment_andPages() {
    create("M1", "Calculus", "MATH");
    create("M2", "Algebra", "MATH");
    create("M3", "Topology", "MATH");
    Response first = http.get("/v1/courses?department=MATH&limit=2", server.admin());
    assertThat(first.items().stream().map(o -> ((JsonObject) o).getString("code"))).containsExactly("M1", "M2");
    assertThat(first.json().getBoolean("has_more")).isTrue();
    assertThat(first.json().getString("next")).isEqualTo("M2");
    Response second = http.get("/v1/courses?department=MATH&limit=2&after=M2", server.admin());
    assertThat(second.items().stream().map(o -> ((JsonObject) o).getString("code"))).containsExactly("M3");
    assertThat(second.json().getBoolean("has_more")).isFalse();
    assertThat(second.json().getString("next")).isNull();
    assertInvalid(http.get("/v1/courses?department=NOPE", server.admin()), "department");
  }

  @Test
  void delete_withOfferingOrGrant_is409InUse() {
    create("BUSY1", "Has an offering", "CS");
    assertThat(http.post("/v1/terms", server.admin(), body("code", "2026-fall", "name", "Fall 2026", "starts_on",
        "2026-09-01", "ends_on", "2026-12-20")).status()).isEqualTo(201);
    assertThat(http.post("/v1/offerings", server.admin(), body("course", "BUSY1", "term", "2026-fall")).status())
        .isEqualTo(201);
    Response offered = db.assertNothingWritten(() -> http.delete("/v1/courses/BUSY1", server.admin()));
    assertProblem(offered, 409, "in_use", "code");
    assertThat(offered.json().getString("detail")).contains("1 offerings");

    create("BUSY2", "Has a grant", "CS");
    db.grant("admin", "instructor", 2, db.id("courses", "BUSY2"));
    Response granted = db.assertNothingWritten(() -> http.delete("/v1/courses/BUSY2", server.admin()));
    assertProblem(granted, 409, "in_use", "code");
    assertThat(granted.json().getString("detail")).contains("1 grants");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      malformed JSON           | {"code": "C1", "title"                                         | 400 | body
      not an object            | 42                                                             | 400 | body
      code of wrong type       | {"code": 1, "title": "t", "department": "CS"}                  | 400 | code
      title of wrong type      | {"code": "C1", "title": {}, "department": "CS"}                | 400 | title
      department of wrong type | {"code": "C1", "title": "t", "department": 7}                  | 400 | department
      missing code             | {"title": "t", "department": "CS"}                             | 400 | code
      missing title            | {"code": "C1", "department": "CS"}                             | 400 | title
      missing department       | {"code": "C1", "title": "t"}                                   | 400 | department
      bad code                 | {"code": "C 1", "title": "t", "department": "CS"}              | 400 | code
      unknown field            | {"code": "C1", "title": "t", "department": "CS", "credits": 3} | 400 | credits
      unknown department       | {"code": "C1", "title": "t", "department": "NOPE"}             | 400 | department
      duplicate code           | {"code": "CS101", "title": "t", "department": "MATH"}          | 409 | code
      """)
  void post_badInput_isRejectedNamingTheFieldAndWritesNothing(String why, String json, int status, String field) {
    Response r = db.assertNothingWritten(() -> http.send("POST", "/v1/courses", server.admin(), json, "application/json"));
    assertProblem(r, status, status == 409 ? "duplicate" : "invalid_input", field);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      malformed JSON           | {"title": "t"              | body
      title of wrong type      | {"title": 3}               | title
      title null               | {"title": null}            | title
      department null          | {"department": null}       | department
      department of wrong type | {"department": false}      | department
      code changed             | {"code": "CS102"}          | code
      unknown field            | {"title": "t", "level": 1} | level
      unknown department       | {"department": "NOPE"}     | department
      """)
  void patch_badInput_isRejectedNamingTheFieldAndWritesNothing(String why, String json, String field) {
    Response r = db.assertNothingWritten(() -> http.send("PATCH", "/v1/courses/CS101", server.admin(), json,
        "application/json"));
    assertInvalid(r, field);
    assertThat(http.get("/v1/courses/CS101", server.admin()).json().getString("department")).isEqualTo("CS");
  }

  @Test
  void patch_unknownCourse_is404() {
    assertProblem(http.patch("/v1/courses/NOPE", server.admin(), body("title", "t")), 404, "not_found", null);
    assertProblem(http.delete("/v1/courses/NOPE", server.admin()), 404, "not_found", null);
  }
}
