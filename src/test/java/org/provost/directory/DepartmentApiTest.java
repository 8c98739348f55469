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

class DepartmentApiTest {
  @RegisterExtension
  static final ProvostServer server = ProvostServer.builder().admin().build();
  static final Http http = server.http;
  static DatabaseState db;

  @BeforeAll
  static void seed() {
    db = new DatabaseState(server.jdbcUrl());
    create("ENG", "Engineering", null);
    create("ENG-CS", "Computer Science", "ENG");
  }

  static Response create(String code, String name, String parent) {
    Response r = http.post("/v1/departments", server.admin(), body("code", code, "name", name, "parent", parent));
    assertThat(r.status()).as("%s", r).isEqualTo(201);
    return r;
  }

  @Test
  void crud_createReadPatchDelete_roundTrips() {
    Response created = create("SCI", "Science", null);
    assertThat(created.json().getString("code")).isEqualTo("SCI");
    assertThat(created.json().getString("parent")).isNull();
    assertThat(created.json().getLong("revision")).isEqualTo(db.currentRevision());
    assertThat(db.lastChange()).isEqualTo("department create");

    Response child = create("SCI.PHYS", "Physics", "SCI");
    assertThat(child.json().getString("parent")).isEqualTo("SCI");
    Response read = http.get("/v1/departments/SCI.PHYS", server.admin());
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.json()).isEqualTo(new JsonObject().put("code", "SCI.PHYS").put("name", "Physics")
        .put("parent", "SCI"));

    long before = db.currentRevision();
    Response renamed = http.patch("/v1/departments/SCI.PHYS", server.admin(), body("name", "Physics & Astronomy"));
    assertThat(renamed.status()).as("%s", renamed).isEqualTo(200);
    assertThat(renamed.json().getString("name")).isEqualTo("Physics & Astronomy");
    assertThat(renamed.json().getString("parent")).isEqualTo("SCI");
    assertThat(db.currentRevision()).as("a rename changes no check").isEqualTo(before);
    assertThat(renamed.json().getLong("revision")).isEqualTo(before);

    Response moved = http.patch("/v1/departments/SCI.PHYS", server.admin(), body("parent", null));
    assertThat(moved.json().getString("parent")).isNull();
    assertThat(moved.json().getLong("revision")).isEqualTo(before + 1);
    assertThat(db.lastChange()).isEqualTo("department move");

    Response deleted = http.delete("/v1/departments/SCI.PHYS", server.admin());
    assertThat(deleted.status()).isEqualTo(200);
    assertThat(deleted.json().getLong("revision")).isEqualTo(db.currentRevision());
    assertThat(db.lastChange()).isEqualTo("department delete");
    assertThat(http.get("/v1/departments/SCI.PHYS", server.admin()).status()).isEqualTo(404);
    assertThat(db.count("SELECT count(*) FROM audit_events WHERE target_type = 'department' AND target_id = ?",
        "SCI.PHYS")).isEqualTo(4);
  }

  @Test
  void list_pagesInCodeOrder_withHasMoreAndNext() {
    create("PAG", "Paged", null);
    List<String> codes = List.of("PAG-e", "PAG-a", "PAG-d", "PAG-b", "PAG-g", "PAG-c", "PAG-f");
    for (String code : codes) create(code, code, "PAG");

    List<String> seen = new ArrayList<>();
    String after = "";
    List<Boolean> hasMore = new ArrayList<>();
    do {
      Response page = http.get("/v1/departments?parent=PAG&limit=3" + (after.isEmpty() ? "" : "&after=" + after),
          server.admin());
      assertThat(page.status()).as("%s", page).isEqualTo(200);
      page.items().forEach(o -> seen.add(((JsonObject) o).getString("code")));
      hasMore.add(page.json().getBoolean("has_more"));
      String next = page.json().getString("next");
      after = next == null ? "" : next;
      if (page.json().getBoolean("has_more")) assertThat(after).isEqualTo(seen.getLast());
    } while (!after.isEmpty());

    assertThat(seen).containsExactly("PAG-a", "PAG-b", "PAG-c", "PAG-d", "PAG-e", "PAG-f", "PAG-g");
    assertThat(hasMore).containsExactly(true, true, false);
  }

  @Test
  void list_defaultsTo50AndRejectsBadLimits() {
    Response all = http.get("/v1/departments", server.admin());
    assertThat(all.status()).isEqualTo(200);
    assertThat(all.json().getBoolean("has_more")).isFalse();
    assertThat(all.json().getString("next")).isNull();
    assertInvalid(http.get("/v1/departments?limit=0", server.admin()), "limit");
    assertInvalid(http.get("/v1/departments?limit=501", server.admin()), "limit");
    assertInvalid(http.get("/v1/departments?limit=ten", server.admin()), "limit");
    assertInvalid(http.get("/v1/departments?parent=NOPE", server.admin()), "parent");
  }

  @Test
  void nestingDeeperThan32Levels_is409TooDeep_onCreateAndOnMove() {
    create("DEEP-1", "Level 1", null);
    for (int level = 2; level <= 32; level++) create("DEEP-" + level, "Level " + level, "DEEP-" + (level - 1));
    Response tooDeep = db.assertNothingWritten(() -> http.post("/v1/departments", server.admin(),
        body("code", "DEEP-33", "name", "Level 33", "parent", "DEEP-32")));
    assertProblem(tooDeep, 409, "too_deep", "parent");

    create("TWIG", "Twig", null);
    create("TWIG-LEAF", "Leaf", "TWIG");
    Response moved = db.assertNothingWritten(() -> http.patch("/v1/departments/TWIG", server.admin(),
        body("parent", "DEEP-31")));
    assertProblem(moved, 409, "too_deep", "parent");
    assertThat(http.patch("/v1/departments/TWIG", server.admin(), body("parent", "DEEP-30")).status()).isEqualTo(200);
  }

  @Test
  void patch_parentUnderItsOwnDescendant_is409Cycle() {
    create("CYC", "Top", null);
    create("CYC-1", "Middle", "CYC");
    create("CYC-2", "Bottom", "CYC-1");

    Response r = db.assertNothingWritten(() -> http.patch("/v1/departments/CYC", server.admin(), body("parent", "CYC-2")));
    assertProblem(r, 409, "cycle", "parent");
    Response self = db.assertNothingWritten(() -> http.patch("/v1/departments/CYC-1", server.admin(), body("parent", "CYC-1")));
    assertProblem(self, 409, "cycle", "parent");

    Response sideways = http.patch("/v1/departments/CYC-2", server.admin(), body("parent", "CYC"));
    assertThat(sideways.status()).as("moving up the tree is no cycle").isEqualTo(200);
  }

  @Test
  void delete_withSubDepartmentCourseUserOrGrant_is409InUse() {
    create("USED", "Used", null);
    create("USED-SUB", "Sub", "USED");
    Response sub = db.assertNothingWritten(() -> http.delete("/v1/departments/USED", server.admin()));
    assertProblem(sub, 409, "in_use", "code");
    assertThat(sub.json().getString("detail")).contains("1 sub-departments");
    assertThat(http.delete("/v1/departments/USED-SUB", server.admin()).status()).isEqualTo(200);

    create("HASCOURSE", "Has a course", null);
    assertThat(http.post("/v1/courses", server.admin(), body("code", "HC101", "title", "T", "department", "HASCOURSE"))
        .status()).isEqualTo(201);
    assertProblem(db.assertNothingWritten(() -> http.delete("/v1/departments/HASCOURSE", server.admin())), 409, "in_use",
        "code");

    create("HASUSER", "Has a user", null);
    assertThat(http.post("/v1/users", server.admin(), body("username", "hu", "email", "hu@example.edu", "type", "staff",
        "department", "HASUSER")).status()).isEqualTo(201);
    Response user = db.assertNothingWritten(() -> http.delete("/v1/departments/HASUSER", server.admin()));
    assertProblem(user, 409, "in_use", "code");
    assertThat(user.json().getString("detail")).contains("1 users");

    create("HASGRANT", "Has a grant", null);
    db.grant("admin", "department_admin", 1, db.id("departments", "HASGRANT"));
    Response grant = db.assertNothingWritten(() -> http.delete("/v1/departments/HASGRANT", server.admin()));
    assertProblem(grant, 409, "in_use", "code");
    assertThat(grant.json().getString("detail")).contains("1 grants");
  }

  @Test
  void unknownDepartment_is404() {
    assertProblem(http.get("/v1/departments/NOPE", server.admin()), 404, "not_found", null);
    assertProblem(http.patch("/v1/departments/NOPE", server.admin(), body("name", "x")), 404, "not_found", null);
    assertProblem(http.delete("/v1/departments/NOPE", server.admin()), 404, "not_found", null);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      malformed JSON            | {"code": "X1",                                | 400 | body
      not an object             | ["X1"]                                        | 400 | body
      empty body                |                                               | 400 | body
      code of wrong type        | {"code": 5, "name": "n"}                      | 400 | code
      name of wrong type        | {"code": "X1", "name": true}                  | 400 | name
      parent of wrong type      | {"code": "X1", "name": "n", "parent": 3}      | 400 | parent
      missing code              | {"name": "n"}                                 | 400 | code
      missing name              | {"code": "X1"}                                | 400 | name
      blank name                | {"code": "X1", "name": "  "}                  | 400 | name
      code with a slash         | {"code": "X/1", "name": "n"}                  | 400 | code
      code starting with a dash | {"code": "-X1", "name": "n"}                  | 400 | code
      unknown field             | {"code": "X1", "name": "n", "head": "h"}      | 400 | head
      unknown parent            | {"code": "X1", "name": "n", "parent": "NOPE"} | 400 | parent
      duplicate code            | {"code": "ENG", "name": "again"}              | 409 | code
      """)
  void post_badInput_isRejectedNamingTheFieldAndWritesNothing(String why, String json, int status, String field) {
    Response r = db.assertNothingWritten(() -> http.send("POST", "/v1/departments", server.admin(), json == null ? "" : json,
        "application/json"));
    assertProblem(r, status, status == 409 ? "duplicate" : "invalid_input", field);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      malformed JSON       | {"name":                   | 400 | body
      name of wrong type   | {"name": 1}                | 400 | name
      name null            | {"name": null}             | 400 | name
      code changed         | {"code": "ENG2"}           | 400 | code
      parent of wrong type | {"parent": ["ENG"]}        | 400 | parent
      unknown field        | {"name": "n", "dean": "d"} | 400 | dean
      unknown parent       | {"parent": "NOPE"}         | 400 | parent
      """)
  void patch_badInput_isRejectedNamingTheFieldAndWritesNothing(String why, String json, int status, String field) {
    Response r = db.assertNothingWritten(() -> http.send("PATCH", "/v1/departments/ENG-CS", server.admin(), json,
        "application/json"));
    assertProblem(r, status, "invalid_input", field);
    assertThat(http.get("/v1/departments/ENG-CS", server.admin()).json().getString("parent")).isEqualTo("ENG");
  }

  @Test
  void postAndPatch_nameTooLong_is400NamingName() {
    String name = "n".repeat(201);
    assertInvalid(db.assertNothingWritten(() -> http.post("/v1/departments", server.admin(), body("code", "LONG", "name", name))),
        "name");
    assertInvalid(db.assertNothingWritten(() -> http.patch("/v1/departments/ENG", server.admin(), body("name", name))),
        "name");
  }
}
