package org.provost.grants;

import static org.assertj.core.api.Assertions.assertThat;

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

/** POST /v1/users/{id}/grants given bad input: a 4xx naming the field, and not one row written. */
class GrantBadInputTest {
  @RegisterExtension
  static final ProvostServer server = ProvostServer.builder().directory().build();
  static final AccessFixture fx = server.fixture();
  static long user;

  @BeforeAll
  static void seed() {
    user = fx.user("grace", "CS");
    fx.grant(fx.adminToken(), user, "student", "department:CS");
  }

  static Stream<Arguments> badGrants() {
    return Stream.of(
        bad("{\"role\": ", 400, "body"),
        bad("[{\"role\": \"student\"}]", 400, "body"),
        bad("", 400, "body"),
        bad("{\"scope\": \"global\"}", 400, "role"),
        bad("{\"role\": \"student\"}", 400, "scope"),
        bad("{\"role\": null, \"scope\": \"global\"}", 400, "role"),
        bad("{\"role\": \"\", \"scope\": \"global\"}", 400, "role"),
        bad("{\"role\": 3, \"scope\": \"global\"}", 400, "role"),
        bad("{\"role\": \"student\", \"scope\": [\"global\"]}", 400, "scope"),
        bad("{\"role\": \"student\", \"scope\": \"  \"}", 400, "scope"),
        bad("{\"role\": \"student\", \"scope\": \"campus:north\"}", 400, "scope"),
        bad("{\"role\": \"student\", \"scope\": \"department:\"}", 400, "scope"),
        bad("{\"role\": \"student\", \"scope\": \"offering:CS101\"}", 400, "scope"),
        bad("{\"role\": \"student\", \"scope\": \"department:" + "X".repeat(400) + "\"}", 400, "scope"),
        bad("{\"role\": \"student\", \"scope\": \"department:NOPE\"}", 400, "scope"),
        bad("{\"role\": \"student\", \"scope\": \"course:CS999\"}", 400, "scope"),
        bad("{\"role\": \"student\", \"scope\": \"offering:CS101/1999-spring\"}", 400, "scope"),
        bad("{\"role\": \"wizard\", \"scope\": \"global\"}", 400, "role"),
        bad("{\"role\": \"student\", \"scope\": \"global\", \"user\": 1}", 400, "user"),
        bad("{\"role\": \"student\", \"scope\": \"global\", \"valid_from\": \"tomorrow\"}", 400, "valid_from"),
        bad("{\"role\": \"student\", \"scope\": \"global\", \"valid_from\": \"2026-09-01\"}", 400, "valid_from"),
        bad("{\"role\": \"student\", \"scope\": \"global\", \"valid_until\": 1767225600}", 400, "valid_until"),
        bad("{\"role\": \"student\", \"scope\": \"global\", \"valid_from\": \"2026-09-01T00:00:00Z\","
            + " \"valid_until\": \"2026-09-01T00:00:00Z\"}", 400, "valid_until"),
        bad("{\"role\": \"student\", \"scope\": \"global\", \"valid_from\": \"2026-12-01T00:00:00Z\","
            + " \"valid_until\": \"2026-09-01T00:00:00+02:00\"}", 400, "valid_until"),
        bad("{\"role\": \"student\", \"scope\": \"global\", \"reason\": {}}", 400, "reason"),
        bad("{\"role\": \"student\", \"scope\": \"global\", \"reason\": \"" + "r".repeat(501) + "\"}", 400, "reason"),
        bad("{\"role\": \"student\", \"scope\": \"department:CS\"}", 409, "role"));
  }

  private static Arguments bad(String body, int status, String field) {
    return Arguments.of(body, status, field);
  }

  @ParameterizedTest(name = "{0} -> {1} {2}")
  @MethodSource("badGrants")
  void badGrant_namesTheField_andWritesNothing(String body, int status, String field) {
    Map<String, String> before = fx.snapshot();
    Response r = server.http.send("POST", "/v1/users/" + user + "/grants", fx.adminToken(), body, "application/json");
    assertThat(r.status()).as(r.toString()).isEqualTo(status);
    assertThat(AccessFixture.fields(r)).as(r.toString()).contains(field);
    assertThat(fx.snapshot()).isEqualTo(before);
  }

  @Test
  void unknownUser_is404_andWritesNothing() {
    Map<String, String> before = fx.snapshot();
    String body = "{\"role\": \"student\", \"scope\": \"global\"}";
    assertThat(server.http.send("POST", "/v1/users/987654/grants", fx.adminToken(), body, "application/json")
        .status()).isEqualTo(404);
    assertThat(server.http.send("POST", "/v1/users/grace/grants", fx.adminToken(), body, "application/json")
        .status()).isEqualTo(404);
    assertThat(fx.snapshot()).isEqualTo(before);
  }

  @Test
  void unknownRoleAndUnknownScope_areNamedTogether() {
    Response r = server.http.send("POST", "/v1/users/" + user + "/grants", fx.adminToken(),
        "{\"role\": \"wizard\", \"scope\": \"department:NOPE\"}", "application/json");
    assertThat(r.status()).isEqualTo(400);
    assertThat(AccessFixture.fields(r)).containsExactly("role", "scope");
  }

  @Test
  void sameRoleAndScopeForAnotherPeriod_isNotADuplicate() {
    Response r = server.http.send("POST", "/v1/users/" + user + "/grants", fx.adminToken(),
        "{\"role\": \"student\", \"scope\": \"department:CS\", \"valid_until\": \"2030-01-01T00:00:00Z\"}",
        "application/json");
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    assertThat(r.json().getString("valid_until")).isEqualTo("2030-01-01T00:00:00Z");
  }
}
