package org.provost.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.provost.testing.Http.Response;
import org.provost.testing.ProvostServer;
import org.provost.testing.TestServer;

class SessionApiTest {
  @RegisterExtension
  static final ProvostServer server = ProvostServer.builder().build();

  @Test
  void login_withRightPassword_returnsTokenThatWorksForMe() {
    Response login = server.http.post("/v1/sessions", null,
        new JsonObject().put("username", "admin").put("password", TestServer.ADMIN_PASSWORD));
    assertThat(login.status()).isEqualTo(201);
    String token = login.json().getString("token");
    assertThat(token).startsWith("pvs_").hasSize(4 + 43);
    assertThat(login.json().getJsonObject("user").getString("username")).isEqualTo("admin");

    Response me = server.http.get("/v1/me", token);
    assertThat(me.status()).isEqualTo(200);
    assertThat(me.json().getJsonObject("user").getString("username")).isEqualTo("admin");
    assertThat(me.json().getJsonArray("grants").getJsonObject(0).getString("role")).isEqualTo("admin");
    assertThat(me.json().getJsonArray("permissions").encode()).contains("\"users.write\"");
  }

  @Test
  void login_unknownUserAndWrongPassword_answerTheSame() {
    Response unknown = server.http.post("/v1/sessions", null,
        new JsonObject().put("username", "nobody-here").put("password", "whatever-it-is"));
    Response wrong = server.http.post("/v1/sessions", null,
        new JsonObject().put("username", "admin").put("password", "not-the-password"));
    assertThat(unknown.status()).isEqualTo(401);
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(unknown.json().getString("code")).isEqualTo("invalid_credentials");
    assertThat(unknown.json().getString("detail")).isEqualTo(wrong.json().getString("detail"));
  }

  @Test
  void logout_makesTheTokenStopWorking() {
    String token = server.adminToken();
    assertThat(server.http.get("/v1/me", token).status()).isEqualTo(200);
    assertThat(server.http.delete("/v1/sessions/current", token).status()).isEqualTo(204);
    Response after = server.http.get("/v1/me", token);
    assertThat(after.status()).isEqualTo(401);
    assertThat(after.json().getString("code")).isEqualTo("invalid_token");
  }

  @Test
  void me_withoutToken_is401ProblemJson() {
    Response r = server.http.get("/v1/me", null);
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(r.json().getString("code")).isEqualTo("missing_credentials");
  }

  @Test
  void login_malformedJson_is400NamingBody() {
    Response r = server.http.send("POST", "/v1/sessions", null, "{\"username\": ", "application/json");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo("body");
  }
}
