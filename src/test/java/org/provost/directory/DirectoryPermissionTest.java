package org.provost.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.provost.directory.Problem.assertProblem;
import static org.provost.directory.Problem.body;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.provost.testing.Http;
import org.provost.testing.Http.Response;
import org.provost.testing.ProvostServer;

/**
 * Who may write what: a department_admin of ENG (granted in SQL, as the grants API would) runs ENG's
 * subtree and nothing else; a caller without grants reads the catalogue but writes nothing.
 */
class DirectoryPermissionTest {
  static final String PASSWORD = "a-long-enough-password";
  @RegisterExtension
  static final ProvostServer server = ProvostServer.builder().admin().build();
  static final Http http = server.http;
  static String dana;
  static String sam;
  static DatabaseState db;

  @BeforeAll
  static void seed() {
    db = new DatabaseState(server.jdbcUrl());
    created(http.post("/v1/departments", server.admin(), body("code", "ENG", "name", "Engineering")));
    created(http.post("/v1/departments", server.admin(), body("code", "ENG-CS", "name", "Computer Science", "parent", "ENG")));
    created(http.post("/v1/departments", server.admin(), body("code", "MATH", "name", "Mathematics")));
    created(http.post("/v1/courses", server.admin(), body("code", "MA101", "title", "Calculus", "department", "MATH")));
    created(http.post("/v1/terms", server.admin(), body("code", "2026-fall", "name", "Fall 2026", "starts_on", "2026-09-01",
        "ends_on", "2026-12-20")));
    for (String user : new String[] {"dana", "sam"}) {
      created(http.post("/v1/users", server.admin(), body("username", user, "email", user + "@example.edu", "type", "staff",
          "password", PASSWORD)));
    }
    db.grant("dana", "department_admin", 1, db.id("departments", "ENG"));
    dana = http.login("dana", PASSWORD);
    sam = http.login("sam", PASSWORD);
  }

  static Response created(Response r) {
    assertThat(r.status()).as("%s", r).isEqualTo(201);
    return r;
  }

  static void assertForbiddenAndNothingWritten(java.util.function.Supplier<Response> request) {
    assertProblem(db.assertNothingWritten(request), 403, "forbidden", null);
  }

  @Test
  void departmentAdmin_createsCourseInSubDepartment_butNotInAnotherDepartment() {
    Response ok = http.post("/v1/courses", dana, body("code", "CS200", "title", "Systems", "department", "ENG-CS"));
    assertThat(ok.status()).as("%s", ok).isEqualTo(201);
    assertThat(ok.json().getString("department")).isEqualTo("ENG-CS");

    assertForbiddenAndNothingWritten(() -> http.post("/v1/courses", dana,
        body("code", "MA200", "title", "Analysis", "department", "MATH")));
  }

  @Test
  void departmentAdmin_runsTheSubtree_offeringsIncluded() {
    created(http.post("/v1/departments", dana, body("code", "ENG-EE", "name", "Electrical", "parent", "ENG")));
    created(http.post("/v1/courses", dana, body("code", "EE100", "title", "Circuits", "department", "ENG-EE")));
    created(http.post("/v1/offerings", dana, body("course", "EE100", "term", "2026-fall")));
    assertThat(http.patch("/v1/offerings/EE100/2026-fall", dana, body("capacity", 30)).status()).isEqualTo(200);
    assertThat(http.patch("/v1/departments/ENG", dana, body("name", "School of Engineering")).status())
        .isEqualTo(200);
    assertThat(http.delete("/v1/offerings/EE100/2026-fall", dana).status()).isEqualTo(200);
  }

  @Test
  void departmentAdmin_cannotLeaveTheSubtree() {
    assertForbiddenAndNothingWritten(() -> http.post("/v1/departments", dana, body("code", "LAW", "name", "Law")));
    assertForbiddenAndNothingWritten(() -> http.patch("/v1/departments/ENG-CS", dana, body("parent", "MATH")));
    assertForbiddenAndNothingWritten(() -> http.patch("/v1/departments/ENG-CS", dana, body("parent", null)));
    assertForbiddenAndNothingWritten(() -> http.patch("/v1/departments/MATH", dana, body("name", "Maths")));
    assertForbiddenAndNothingWritten(() -> http.delete("/v1/courses/MA101", dana));
    assertForbiddenAndNothingWritten(() -> http.post("/v1/offerings", dana,
        body("course", "MA101", "term", "2026-fall")));
    assertForbiddenAndNothingWritten(() -> http.post("/v1/terms", dana, body("code", "2027-spring", "name", "S",
        "starts_on", "2027-01-01", "ends_on", "2027-05-01")));
    assertForbiddenAndNothingWritten(() -> http.patch("/v1/terms/2026-fall", dana, body("name", "Autumn")));
  }

  @Test
  void departmentAdmin_movingACourseOut_needsTheNewDepartmentToo() {
    created(http.post("/v1/courses", dana, body("code", "CS300", "title", "Compilers", "department", "ENG-CS")));
    assertForbiddenAndNothingWritten(() -> http.patch("/v1/courses/CS300", dana, body("department", "MATH")));
    assertThat(http.patch("/v1/courses/CS300", dana, body("department", "ENG")).status()).isEqualTo(200);
  }

  @Test
  void anyAuthenticatedCaller_readsTheCatalogue_butCannotWrite() {
    assertThat(http.get("/v1/departments", sam).status()).isEqualTo(200);
    assertThat(http.get("/v1/courses/MA101", sam).status()).isEqualTo(200);
    assertThat(http.get("/v1/terms", sam).status()).isEqualTo(200);
    assertThat(http.get("/v1/offerings", sam).status()).isEqualTo(200);
    assertForbiddenAndNothingWritten(() -> http.post("/v1/courses", sam,
        body("code", "MA300", "title", "t", "department", "MATH")));
    assertForbiddenAndNothingWritten(() -> http.delete("/v1/terms/2026-fall", sam));
  }

  @Test
  void anonymousCaller_is401() {
    assertProblem(http.get("/v1/departments", null), 401, "missing_credentials", null);
    assertProblem(http.get("/v1/offerings/MA101/2026-fall", null), 401, "missing_credentials", null);
  }
}
