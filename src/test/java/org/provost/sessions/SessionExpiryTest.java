package org.provost.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.provost.testing.Http.Response;
import org.provost.testing.ProvostServer;
import org.provost.testing.TestServer;

/** Idle timeout, absolute lifetime and login throttling, on a server whose clock the test moves. */
class SessionExpiryTest {
  static final class MovableClock extends Clock {
    volatile Instant now = Instant.parse("2026-09-01T08:00:00Z");

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }
  }

  static final MovableClock clock = new MovableClock();
  @RegisterExtension
  static final ProvostServer server = ProvostServer.builder().clock(clock)
      .config(Map.of("PROVOST_SESSION_IDLE_TIMEOUT", "30m", "PROVOST_SESSION_MAX_LIFETIME", "2h",
          "PROVOST_LOGIN_MAX_FAILURES", "3"))
      .build();

  @Test
  void aSessionUnusedForTheIdleTimeout_expires_butUseKeepsItAlive() {
    String token = server.adminToken();
    clock.advance(Duration.ofMinutes(29));
    assertThat(server.http.get("/v1/me", token).status()).isEqualTo(200);
    clock.advance(Duration.ofMinutes(29));
    assertThat(server.http.get("/v1/me", token).status()).isEqualTo(200);
    clock.advance(Duration.ofMinutes(31));
    assertThat(server.http.get("/v1/me", token).status()).isEqualTo(401);
  }

  @Test
  void aSessionEndsAtItsAbsoluteLifetime_evenWhenUsed() {
    String token = server.adminToken();
    for (int i = 0; i < 4; i++) {
      clock.advance(Duration.ofMinutes(25));
      assertThat(server.http.get("/v1/me", token).status()).isEqualTo(200);
    }
    clock.advance(Duration.ofMinutes(25));
    assertThat(server.http.get("/v1/me", token).status()).isEqualTo(401);
  }

  @Test
  void repeatedFailures_answer429WithRetryAfter_untilTheWindowPasses() {
    JsonObject wrong = new JsonObject().put("username", "admin").put("password", "wrong-password");
    for (int i = 0; i < 3; i++) assertThat(server.http.post("/v1/sessions", null, wrong).status()).isEqualTo(401);
    Response throttled = server.http.post("/v1/sessions", null,
        new JsonObject().put("username", "admin").put("password", TestServer.ADMIN_PASSWORD));
    assertThat(throttled.status()).isEqualTo(429);
    assertThat(Long.parseLong(throttled.header("Retry-After"))).isBetween(1L, 300L);
    clock.advance(Duration.ofMinutes(6));
    assertThat(server.adminToken()).startsWith("pvs_");
  }

  @Test
  void failuresFromOneForwardedClient_doNotLockOutOtherClientsBehindTheSameProxy() {
    // the per-address limit in this server is 100; the account limit (3) is per username
    for (int i = 0; i < 100; i++) {
      Response r = server.http.sendWithHeader("POST", "/v1/sessions", "X-Forwarded-For", "203.0.113.7",
          new JsonObject().put("username", "nobody" + i).put("password", "wrong-password").encode());
      assertThat(r.status()).isEqualTo(401);
    }
    Response blocked = server.http.sendWithHeader("POST", "/v1/sessions", "X-Forwarded-For", "203.0.113.7",
        new JsonObject().put("username", "admin").put("password", TestServer.ADMIN_PASSWORD).encode());
    assertThat(blocked.status()).isEqualTo(429);
    Response other = server.http.sendWithHeader("POST", "/v1/sessions", "X-Forwarded-For", "198.51.100.9",
        new JsonObject().put("username", "admin").put("password", TestServer.ADMIN_PASSWORD).encode());
    assertThat(other.status()).isEqualTo(201);
    clock.advance(Duration.ofMinutes(6));
  }
}
