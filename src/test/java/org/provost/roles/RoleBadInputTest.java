package org.provost.roles;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.provost.testing.AccessFixture;
import org.provost.testing.Http.Response;
import org.provost.testing.ProvostServer;

/**
 * Every POST and PATCH of permissions and roles, given bad input: a 4xx naming the field, and not one row
 * written (the access tables, their audit and changelog rows are digested before and after).
 */
class RoleBadInputTest {
  @RegisterExtension
  static final ProvostServer server = ProvostServer.builder().admin().build();
  static final AccessFixture fx = server.fixture();

  @BeforeAll
  static void seed() {
    Response r = server.http.send("POST", "/v1/roles", fx.adminToken(),
        "{\"name\": \"tutor\", \"permissions\": [\"roster.read\"], \"includes\": [\"student\"]}", "application/json");
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
  }

  static Stream<Arguments> badRequests() {
    String longName = "a." + "b".repeat(99);
    return Stream.of(
        // POST /v1/permissions
        bad("POST", "/v1/permissions", "{\"name\": ", 400, "body"),
        bad("POST", "/v1/permissions", "[\"grades.audit\"]", 400, "body"),
        bad("POST", "/v1/permissions", "", 400, "body"),
        bad("POST", "/v1/permissions", "{}", 400, "name"),
        bad("POST", "/v1/permissions", "{\"name\": 7}", 400, "name"),
        bad("POST", "/v1/permissions", "{\"name\": \"grades\"}", 400, "name"),
        bad("POST", "/v1/permissions", "{\"name\": \"Grades.Audit\"}", 400, "name"),
        bad("POST", "/v1/permissions", "{\"name\": \"grades..audit\"}", 400, "name"),
        bad("POST", "/v1/permissions", "{\"name\": \"grades.9audit\"}", 400, "name"),
        bad("POST", "/v1/permissions", "{\"name\": \"" + longName + "\"}", 400, "name"),
        bad("POST", "/v1/permissions", "{\"name\": \"grades.audit\", \"description\": [\"x\"]}", 400, "description"),
        bad("POST", "/v1/permissions", "{\"name\": \"grades.audit\", \"description\": \"" + "d".repeat(501) + "\"}",
            400, "description"),
        bad("POST", "/v1/permissions", "{\"name\": \"grades.audit\", \"scope\": \"global\"}", 400, "scope"),
        bad("POST", "/v1/permissions", "{\"name\": \"grades.write\"}", 409, "name"),
        // POST /v1/roles
        bad("POST", "/v1/roles", "{\"name\": \"x\"", 400, "body"),
        bad("POST", "/v1/roles", "\"lecturer\"", 400, "body"),
        bad("POST", "/v1/roles", "{\"description\": \"no name\"}", 400, "name"),
        bad("POST", "/v1/roles", "{\"name\": null}", 400, "name"),
        bad("POST", "/v1/roles", "{\"name\": true}", 400, "name"),
        bad("POST", "/v1/roles", "{\"name\": \"Lecturer\"}", 400, "name"),
        bad("POST", "/v1/roles", "{\"name\": \"lec-turer\"}", 400, "name"),
        bad("POST", "/v1/roles", "{\"name\": \"" + "l".repeat(65) + "\"}", 400, "name"),
        bad("POST", "/v1/roles", "{\"name\": \"lecturer\", \"builtin\": true}", 400, "builtin"),
        bad("POST", "/v1/roles", "{\"name\": \"lecturer\", \"permissions\": \"grades.read\"}", 400, "permissions"),
        bad("POST", "/v1/roles", "{\"name\": \"lecturer\", \"permissions\": [1]}", 400, "permissions[0]"),
        bad("POST", "/v1/roles", "{\"name\": \"lecturer\", \"includes\": {\"a\": 1}}", 400, "includes"),
        bad("POST", "/v1/roles", "{\"name\": \"lecturer\", \"includes\": [\"student\", \"\"]}", 400, "includes[1]"),
        bad("POST", "/v1/roles", "{\"name\": \"lecturer\", \"permissions\": [\"grades.read\", \"grades.fly\"]}",
            400, "permissions"),
        bad("POST", "/v1/roles", "{\"name\": \"lecturer\", \"includes\": [\"student\", \"wizard\"]}", 400, "includes"),
        bad("POST", "/v1/roles", "{\"name\": \"lecturer\", \"includes\": [\"lecturer\"]}", 400, "includes"),
        bad("POST", "/v1/roles", "{\"name\": \"instructor\"}", 409, "name"),
        bad("POST", "/v1/roles", "{\"name\": \"tutor\", \"permissions\": [\"grades.read\"]}", 409, "name"),
        // PATCH /v1/roles/{name}
        bad("PATCH", "/v1/roles/tutor", "{\"name\": ", 400, "body"),
        bad("PATCH", "/v1/roles/tutor", "[]", 400, "body"),
        bad("PATCH", "/v1/roles/tutor", "{}", 400, "body"),
        bad("PATCH", "/v1/roles/tutor", "{\"name\": null}", 400, "name"),
        bad("PATCH", "/v1/roles/tutor", "{\"name\": \"Tutor\"}", 400, "name"),
        bad("PATCH", "/v1/roles/tutor", "{\"description\": 12}", 400, "description"),
        bad("PATCH", "/v1/roles/tutor", "{\"permissions\": null}", 400, "permissions"),
        bad("PATCH", "/v1/roles/tutor", "{\"permissions\": [\"roster.read\", false]}", 400, "permissions[1]"),
        bad("PATCH", "/v1/roles/tutor", "{\"permissions\": [\"roster.fly\"]}", 400, "permissions"),
        bad("PATCH", "/v1/roles/tutor", "{\"includes\": \"student\"}", 400, "includes"),
        bad("PATCH", "/v1/roles/tutor", "{\"includes\": [\"wizard\"]}", 400, "includes"),
        bad("PATCH", "/v1/roles/tutor", "{\"includes\": [\"tutor\"]}", 409, "includes"),
        bad("PATCH", "/v1/roles/tutor", "{\"color\": \"red\"}", 400, "color"),
        bad("PATCH", "/v1/roles/tutor", "{\"name\": \"instructor\"}", 409, "name"),
        bad("PATCH", "/v1/roles/wizard", "{\"description\": \"nobody\"}", 404, null));
  }

  private static Arguments bad(String method, String path, String body, int status, String field) {
    return Arguments.of(method, path, body, status, field);
  }

  @ParameterizedTest(name = "{0} {1} {2} -> {3} {4}")
  @MethodSource("badRequests")
  void badRequest_namesTheField_andWritesNothing(String method, String path, String body, int status, String field) {
    Map<String, String> before = fx.snapshot();
    Response r = server.http.send(method, path, fx.adminToken(), body, "application/json");
    assertThat(r.status()).as(r.toString()).isEqualTo(status);
    assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
    if (field != null) assertThat(AccessFixture.fields(r)).as(r.toString()).contains(field);
    assertThat(fx.snapshot()).isEqualTo(before);
  }

  @Test
  void unknownPermissionAndUnknownInclude_areNamedTogether() {
    Response r = server.http.send("POST", "/v1/roles", fx.adminToken(),
        "{\"name\": \"lecturer\", \"permissions\": [\"grades.fly\"], \"includes\": [\"wizard\"]}", "application/json");
    assertThat(r.status()).isEqualTo(400);
    assertThat(AccessFixture.fields(r)).containsExactly("permissions", "includes");
    assertThat(r.json().getString("detail")).contains("grades.fly").contains("wizard");
  }

  @Test
  void failedPatch_leavesTheRoleAsItWas() {
    String before = server.http.get("/v1/roles/tutor", fx.adminToken()).body();
    Response r = server.http.send("PATCH", "/v1/roles/tutor", fx.adminToken(),
        "{\"description\": \"changed\", \"permissions\": [\"grades.read\", \"grades.fly\"]}", "application/json");
    assertThat(r.status()).isEqualTo(400);
    assertThat(server.http.get("/v1/roles/tutor", fx.adminToken()).body()).isEqualTo(before);
  }

  @Test
  void snapshot_changesWhenSomethingIsWritten() {
    Map<String, String> before = fx.snapshot();
    Response r = server.http.patch("/v1/roles/tutor", fx.adminToken(),
        new JsonObject().put("description", "helps students"));
    assertThat(r.status()).isEqualTo(200);
    Map<String, String> after = fx.snapshot();
    assertThat(after.get("roles")).isNotEqualTo(before.get("roles"));
    assertThat(after.get("audit_events")).isNotEqualTo(before.get("audit_events"));
    assertThat(after.get("changelog")).isNotEqualTo(before.get("changelog"));
  }
}
