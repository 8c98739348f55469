package org.provost.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.provost.directory.Problem.assertInvalid;
import static org.provost.directory.Problem.assertProblem;
import static org.provost.directory.Problem.body;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.provost.testing.Http;
import org.provost.testing.Http.Response;
import org.provost.testing.ProvostServer;

class OfferingApiTest {
  @RegisterExtension
  static final ProvostServer server = ProvostServer.builder().admin().build();
  static final Http http = server.http;
  static DatabaseState db;

  @BeforeAll
  static void seed() {
    db = new DatabaseState(server.jdbcUrl());
    ok(http.post("/v1/departments", server.admin(), body("code", "CS", "name", "Computer Science")));
    for (String course : List.of("CS101", "CS102", "CS103")) {
      ok(http.post("/v1/courses", server.admin(), body("code", course, "title", course, "department", "CS")));
    }
    for (String term : List.of("2026-fall", "2027-spring")) {
      ok(http.post("/v1/terms", server.admin(), body("code", term, "name", term, "starts_on", "2026-01-01", "ends_on",
          "2027-12-31")));
    }
    ok(http.post("/v1/offerings", server.admin(), body("course", "CS101", "term", "2026-fall")));
  }

  static Response ok(Response r) {
    assertThat(r.status()).as("%s", r).isBetween(200, 201);
    return r;
  }

  @Test
  void crud_createReadPatchDelete_roundTrips() {
    Response created = http.post("/v1/offerings", server.admin(), body("course", "CS102", "term", "2027-spring",
        "capacity", 40));
    assertThat(created.status()).as("%s", created).isEqualTo(201);
    assertThat(created.json().getString("id")).isEqualTo("CS102/2027-spring");
    assertThat(created.json().getLong("revision")).isEqualTo(db.currentRevision());
    assertThat(db.lastChange()).isEqualTo("offering create");
    assertThat(http.get("/v1/offerings/CS102/2027-spring", server.admin()).json()).isEqualTo(new JsonObject()
        .put("id", "CS102/2027-spring").put("course", "CS102").put("term", "2027-spring").put("capacity", 40));

    long revision = db.currentRevision();
    Response bigger = http.patch("/v1/offerings/CS102/2027-spring", server.admin(), body("capacity", 60));
    assertThat(bigger.status()).as("%s", bigger).isEqualTo(200);
    assertThat(bigger.json().getInteger("capacity")).isEqualTo(60);
    Response cleared = http.patch("/v1/offerings/CS102/2027-spring", server.admin(), body("capacity", null));
    assertThat(cleared.json().getValue("capacity")).isNull();
    assertThat(db.currentRevision()).as("capacity changes no check").isEqualTo(revision);

    Response deleted = http.delete("/v1/offerings/CS102/2027-spring", server.admin());
    assertThat(deleted.status()).isEqualTo(200);
    assertThat(deleted.json().getLong("revision")).isEqualTo(revision + 1);
    assertThat(db.lastChange()).isEqualTo("offering delete");
    assertProblem(http.get("/v1/offerings/CS102/2027-spring", server.admin()), 404, "not_found", null);
    assertThat(db.count("SELECT count(*) FROM audit_events WHERE target_type = 'offering' AND target_id = ?",
        "CS102/2027-spring")).isEqualTo(4);
  }

  @Test
  void list_pagesByCourseThenTerm_andFilters() {
    ok(http.post("/v1/terms", server.admin(), body("code", "2029-fall", "name", "Fall 2029", "starts_on", "2029-09-01",
        "ends_on", "2029-12-20")));
    ok(http.post("/v1/offerings", server.admin(), body("course", "CS103", "term", "2029-fall")));
    ok(http.post("/v1/offerings", server.admin(), body("course", "CS103", "term", "2027-spring")));
    ok(http.post("/v1/offerings", server.admin(), body("course", "CS101", "term", "2029-fall")));
    List<String> seen = new ArrayList<>();
    String cursor = null;
    List<Boolean> more = new ArrayList<>();
    do {
      Response page = http.get("/v1/offerings?course=CS103&limit=1" + (cursor == null ? "" : "&after=" + cursor),
          server.admin());
      assertThat(page.status()).as("%s", page).isEqualTo(200);
      page.items().forEach(o -> seen.add(((JsonObject) o).getString("id")));
      more.add(page.json().getBoolean("has_more"));
      cursor = page.json().getString("next");
    } while (cursor != null);
    assertThat(seen).containsExactly("CS103/2027-spring", "CS103/2029-fall");
    assertThat(more).containsExactly(true, false);

    Response fall = http.get("/v1/offerings?term=2029-fall", server.admin());
    assertThat(fall.items().stream().map(o -> ((JsonObject) o).getString("id")))
        .containsExactly("CS101/2029-fall", "CS103/2029-fall");
    assertInvalid(http.get("/v1/offerings?course=NOPE", server.admin()), "course");
    assertInvalid(http.get("/v1/offerings?term=nope", server.admin()), "term");
    assertInvalid(http.get("/v1/offerings?after=no-slash", server.admin()), "after");
  }

  @Test
  void delete_withGrant_is409InUse() {
    ok(http.post("/v1/offerings", server.admin(), body("course", "CS102", "term", "2026-fall")));
    long id = db.count("""
        SELECT o.id FROM offerings o JOIN courses c ON c.id = o.course_id JOIN terms t ON t.id = o.term_id
        WHERE c.code = 'CS102' AND t.code = '2026-fall'""");
    db.grant("admin", "teaching_assistant", 3, id);
    Response r = db.assertNothingWritten(() -> http.delete("/v1/offerings/CS102/2026-fall", server.admin()));
    assertProblem(r, 409, "in_use", "id");
    assertThat(r.json().getString("detail")).contains("1 grants");
  }

  @Test
  void unknownOffering_is404() {
    assertProblem(http.get("/v1/offerings/CS101/2027-spring", server.admin()), 404, "not_found", null);
    assertProblem(http.patch("/v1/offerings/CS101/2027-spring", server.admin(), body("capacity", 1)), 404, "not_found",
        null);
    assertProblem(http.delete("/v1/offerings/NOPE/2026-fall", server.admin()), 404, "not_found", null);
  }

  @Test
  void post_unknownCourseAndTerm_namesBoth() {
    Response r = db.assertNothingWritten(() -> http.post("/v1/offerings", server.admin(), body("course", "NOPE", "term",
        "nope")));
    assertInvalid(r, "course");
    assertThat(Problem.fields(r)).containsExactly("course", "term");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      malformed JSON       | {"course": "CS101" "term": "2027-spring"}                                    | 400 | body
      course of wrong type | {"course": 101, "term": "2027-spring"}                                       | 400 | course
      term of wrong type   | {"course": "CS101", "term": ["2027-spring"]}                                 | 400 | term
      capacity a string    | {"course": "CS101", "term": "2027-spring", "capacity": "30"}                 | 400 | capacity
      capacity a fraction  | {"course": "CS101", "term": "2027-spring", "capacity": 2.5}                  | 400 | capacity
      capacity negative    | {"course": "CS101", "term": "2027-spring", "capacity": -1}                   | 400 | capacity
      capacity too large   | {"course": "CS101", "term": "2027-spring", "capacity": 99999999999999999999} | 400 | capacity
      missing course       | {"term": "2027-spring"}                                                      | 400 | course
      missing term         | {"course": "CS101"}                                                          | 400 | term
      unknown field        | {"course": "CS101", "term": "2027-spring", "room": "B1"}                     | 400 | room
      unknown course       | {"course": "CS999", "term": "2027-spring"}                                   | 400 | course
      unknown term         | {"course": "CS101", "term": "1999-fall"}                                     | 400 | term
      duplicate            | {"course": "CS101", "term": "2026-fall"}                                     | 409 | id
      """)
  void post_badInput_isRejectedNamingTheFieldAndWritesNothing(String why, String json, int status, String field) {
    Response r = db.assertNothingWritten(() -> http.send("POST", "/v1/offerings", server.admin(), json, "application/json"));
    assertProblem(r, status, status == 409 ? "duplicate" : "invalid_input", field);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      malformed JSON    | {"capacity": }            | body
      capacity a string | {"capacity": "many"}      | capacity
      capacity negative | {"capacity": -5}          | capacity
      course changed    | {"course": "CS102"}       | course
      term changed      | {"term": "2027-spring"}   | term
      id changed        | {"id": "CS102/2026-fall"} | id
      unknown field     | {"seats": 10}             | seats
      """)
  void patch_badInput_isRejectedNamingTheFieldAndWritesNothing(String why, String json, String field) {
    Response r = db.assertNothingWritten(() -> http.send("PATCH", "/v1/offerings/CS101/2026-fall", server.admin(), json,
        "application/json"));
    assertInvalid(r, field);
  }
}
