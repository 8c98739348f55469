package org.provost.users;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.provost.testing.Http.Response;
import org.provost.testing.ProvostServer;

class UserApiTest {
  @RegisterExtension
  static final ProvostServer server = ProvostServer.builder().admin().build();

  static JsonObject user(String username) {
    return new JsonObject().put("username", username).put("email", username + "@uni.example")
        .put("display_name", "User " + username).put("type", "student").put("password", "a-good-password");
  }

  static long count(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(server.jdbcUrl());
        var rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void create_thenGet_roundTripsEveryField_andIsAudited() throws SQLException {
    Response created = server.http.post("/v1/users", server.admin(), user("alice").put("external_id", "SIS-1"));
    assertThat(created.status()).isEqualTo(201);
    JsonObject body = created.json();
    assertThat(body.getString("username")).isEqualTo("alice");
    assertThat(body.getString("external_id")).isEqualTo("SIS-1");
    assertThat(body.getBoolean("active")).isTrue();
    assertThat(body.containsKey("password")).isFalse();
    Response got = server.http.get("/v1/users/" + body.getLong("id"), server.admin());
    assertThat(body.getLong("revision")).isPositive();
    body.remove("revision");
    assertThat(got.json()).isEqualTo(body);
    assertThat(count("SELECT count(*) FROM audit_events WHERE action = 'user.create' AND target_id = '"
        + body.getLong("id") + "'")).isEqualTo(1);
    assertThat(server.http.login("alice", "a-good-password")).startsWith("pvs_");
  }

  @Test
  void create_duplicateUsernameOrEmail_is409NamingTheField_andWritesNothing() throws SQLException {
    assertThat(server.http.post("/v1/users", server.admin(), user("bob")).status()).isEqualTo(201);
    long before = count("SELECT count(*) FROM users");
    Response dupName = server.http.post("/v1/users", server.admin(), user("bob").put("email", "other@uni.example"));
    assertThat(dupName.status()).isEqualTo(409);
    assertThat(dupName.json().getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo("username");
    Response dupEmail = server.http.post("/v1/users", server.admin(), user("bob2").put("email", "BOB@uni.example"));
    assertThat(dupEmail.status()).isEqualTo(409);
    assertThat(dupEmail.json().getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo("email");
    assertThat(count("SELECT count(*) FROM users")).isEqualTo(before);
    assertThat(count("SELECT count(*) FROM audit_events WHERE target_id NOT IN (SELECT id::text FROM users)"))
        .isZero();
  }

  @Test
  void create_badInput_is400NamingEachField_andWritesNothing() throws SQLException {
    long before = count("SELECT count(*) FROM users");
    JsonObject bad = new JsonObject().put("username", "has space").put("email", "not-an-email")
        .put("type", "wizard").put("active", "yes").put("password", "short").put("shoe_size", 44);
    Response r = server.http.post("/v1/users", server.admin(), bad);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().getString("code")).isEqualTo("invalid_input");
    assertThat(r.json().getJsonArray("errors").stream().map(e -> ((JsonObject) e).getString("field")))
        .containsExactlyInAnyOrder("shoe_size", "username", "email", "type", "active", "password");
    Response missing = server.http.post("/v1/users", server.admin(), new JsonObject());
    assertThat(missing.json().getJsonArray("errors").stream().map(e -> ((JsonObject) e).getString("field")))
        .contains("username", "email", "type");
    Response wrongType = server.http.post("/v1/users", server.admin(), user("carol").put("username", 42));
    assertThat(wrongType.status()).isEqualTo(400);
    assertThat(wrongType.body()).contains("must be a string");
    Response unknownDept = server.http.post("/v1/users", server.admin(), user("dave").put("department", "NOPE"));
    assertThat(unknownDept.status()).isEqualTo(400);
    assertThat(unknownDept.json().getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo("department");
    Response array = server.http.send("POST", "/v1/users", server.admin(), "[1,2]", "application/json");
    assertThat(array.status()).isEqualTo(400);
    assertThat(count("SELECT count(*) FROM users")).isEqualTo(before);
  }

  @Test
  void oversizedBody_is413() {
    String huge = "{\"username\":\"" + "x".repeat(2 << 20) + "\"}";
    Response r = server.http.send("POST", "/v1/users", server.admin(), huge, "application/json");
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.json().getString("code")).isEqualTo("body_too_large");
  }

  @Test
  void unknownId_is404_andNonNumericId_is404() {
    assertThat(server.http.get("/v1/users/999999", server.admin()).status()).isEqualTo(404);
    assertThat(server.http.get("/v1/users/abc", server.admin()).json().getString("code")).isEqualTo("not_found");
    assertThat(server.http.patch("/v1/users/999999", server.admin(), new JsonObject().put("display_name", "x")).status())
        .isEqualTo(404);
  }

  @Test
  void wrongMethod_is405ProblemJson() {
    Response r = server.http.send("PUT", "/v1/users", server.admin(), "{}", "application/json");
    assertThat(r.status()).isEqualTo(405);
    assertThat(r.json().getString("code")).isEqualTo("method_not_allowed");
  }

  @Test
  void list_pagesByCursorAndOffset_withHasMore() {
    for (int i = 0; i < 7; i++) server.http.post("/v1/users", server.admin(), user("page" + i));
    Response first = server.http.get("/v1/users?q=page&limit=3", server.admin());
    assertThat(first.items()).hasSize(3);
    assertThat(first.json().getBoolean("has_more")).isTrue();
    Response second = server.http.get("/v1/users?q=page&limit=3&after=" + first.json().getString("next"), server.admin());
    Response third = server.http.get("/v1/users?q=page&limit=3&after=" + second.json().getString("next"), server.admin());
    assertThat(third.items()).hasSize(1);
    assertThat(third.json().getBoolean("has_more")).isFalse();
    assertThat(third.json().getString("next")).isNull();
    Response byOffset = server.http.get("/v1/users?q=page&limit=3&offset=3", server.admin());
    assertThat(byOffset.items()).isEqualTo(second.items());
    assertThat(server.http.get("/v1/users?limit=0", server.admin()).status()).isEqualTo(400);
    assertThat(server.http.get("/v1/users?active=maybe", server.admin()).json().getJsonArray("errors").getJsonObject(0)
        .getString("field")).isEqualTo("active");
  }

  @Test
  void list_filtersByTypeActiveAndPrefix() {
    server.http.post("/v1/users", server.admin(), user("zed.faculty").put("type", "faculty"));
    Response r = server.http.get("/v1/users?type=faculty&q=ZED", server.admin());
    assertThat(r.items()).hasSize(1);
    assertThat(r.items().getJsonObject(0).getString("username")).isEqualTo("zed.faculty");
    assertThat(server.http.get("/v1/users?q=zed&type=student", server.admin()).items()).isEmpty();
    assertThat(server.http.get("/v1/users?q=100%25", server.admin()).items()).isEmpty();
  }

  @Test
  void listWithGrants_costsTheSameNumberOfStatements_for5and50Users() {
    for (int i = 0; i < 50; i++) server.http.post("/v1/users", server.admin(), user("nplus" + String.format("%02d", i)));
    long small = statementsFor("/v1/users?q=nplus&limit=5&include=grants");
    long large = statementsFor("/v1/users?q=nplus&limit=50&include=grants");
    assertThat(large).isEqualTo(small);
    assertThat(server.http.get("/v1/users?q=nplus&limit=50&include=grants", server.admin()).items().getJsonObject(0)
        .getJsonArray("grants")).isNotNull();
  }

  /**
   * Statements one request issues. The counter is the whole app's: a background statement (a session's
   * last-seen write, the feed's work after the 50 creates) can land inside one window, so the fewest of
   * three requests is the request's own cost (an N+1 would show in every one of them).
   */
  private long statementsFor(String path) {
    server.http.get(path, server.admin()); // warm: session already cached, nothing lazy left
    long fewest = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      long before = server.app().database().statements().count();
      assertThat(server.http.get(path, server.admin()).status()).isEqualTo(200);
      fewest = Math.min(fewest, server.app().database().statements().count() - before);
    }
    return fewest;
  }

  @Test
  void deactivate_endsSessions_andDeniesLogin() {
    long id = server.http.post("/v1/users", server.admin(), user("erin")).json().getLong("id");
    String token = server.http.login("erin", "a-good-password");
    assertThat(server.http.get("/v1/me", token).status()).isEqualTo(200);
    assertThat(server.http.delete("/v1/users/" + id, server.admin()).status()).isEqualTo(200);
    assertThat(server.http.get("/v1/users/" + id, server.admin()).json().getBoolean("active")).isFalse();
    assertThat(server.http.get("/v1/me", token).status()).isEqualTo(401);
    Response login = server.http.post("/v1/sessions", null,
        new JsonObject().put("username", "erin").put("password", "a-good-password"));
    assertThat(login.status()).isEqualTo(403);
    assertThat(login.json().getString("code")).isEqualTo("account_inactive");
  }

  @Test
  void aStudent_mayReadAndRenameThemself_butNotOthers() {
    long id = server.http.post("/v1/users", server.admin(), user("frank")).json().getLong("id");
    long other = server.http.post("/v1/users", server.admin(), user("gina")).json().getLong("id");
    String token = server.http.login("frank", "a-good-password");
    assertThat(server.http.get("/v1/users/" + id, token).status()).isEqualTo(200);
    assertThat(server.http.patch("/v1/users/" + id, token, new JsonObject().put("display_name", "Franky"))
        .json().getString("display_name")).isEqualTo("Franky");
    assertThat(server.http.patch("/v1/users/" + id, token, new JsonObject().put("active", true)).status())
        .isEqualTo(403);
    assertThat(server.http.get("/v1/users/" + other, token).status()).isEqualTo(403);
    assertThat(server.http.get("/v1/users", token).status()).isEqualTo(403);
    assertThat(server.http.post("/v1/users", token, user("mallory")).status()).isEqualTo(403);
  }
}
