package org.provost.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.provost.redis.Redis;
import org.provost.security.Tokens;
import org.provost.testing.ProvostServer;
import org.provost.testing.RedisStatus;
import org.provost.testing.TestServer;

/**
 * Two instances on one database and the machine's real Redis (a key prefix of this class's own), on one
 * clock the test moves: sessions, their idle clock, their endings and login-throttle counters are shared
 * through Redis; a commit's revision published on Redis wakes the other instance's change feed.
 */
class RedisSharedSessionsTest {
  static final SessionExpiryTest.MovableClock clock = new SessionExpiryTest.MovableClock();
  @RegisterExtension
  static final ProvostServer servers = ProvostServer.builder().redis().clock(clock)
      .config(Map.of("PROVOST_SESSION_IDLE_TIMEOUT", "30m", "PROVOST_SESSION_MAX_LIFETIME", "12h",
          "PROVOST_LOGIN_MAX_FAILURES", "3"))
      .build();
  static TestServer a;
  static TestServer b;
  static Redis redis;
  static String admin;

  @BeforeAll
  static void startB() {
    a = servers.instance();
    b = servers.another(Map.of());
    redis = servers.redis();
    admin = a.adminToken();
  }

  static String key(String token) {
    return redis.key("s:" + HexFormat.of().formatHex(Tokens.hash(token)));
  }

  static long user(String name) {
    var r = a.http.post("/v1/users", admin, new JsonObject().put("username", name).put("email", name + "@uni.example")
        .put("type", "staff").put("password", "the-right-password"));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().getLong("id");
  }

  @Test
  void aSessionMadeOnA_isInRedis_andValidOnB() {
    user("ann");
    String token = a.http.login("ann", "the-right-password");
    String name = redis.call(c -> c.hget(key(token), "name"));
    assertThat(name).isEqualTo("ann");
    assertThat(b.http.get("/v1/me", token).status()).isEqualTo(200);
  }

  @Test
  void logoutOnB_endsTheSessionOnA_andRemovesItFromRedis() {
    user("ben");
    String token = a.http.login("ben", "the-right-password");
    assertThat(a.http.get("/v1/me", token).status()).isEqualTo(200);
    assertThat(b.http.delete("/v1/sessions/current", token).status()).isEqualTo(204);
    // B answered once B had applied the ending; A applies it as its feed (woken by Redis) reads it
    RedisStatus.until("A refuses the ended session", () -> a.http.get("/v1/me", token).status() == 401);
    long left = redis.call(c -> c.exists(key(token)));
    assertThat(left).isZero();
  }

  @Test
  void useOnB_keepsTheSessionAliveOnA_andDisuseEndsItOnBoth() {
    user("cat");
    String token = a.http.login("cat", "the-right-password");
    assertThat(a.http.get("/v1/me", token).status()).isEqualTo(200);
    String seenAtLogin = redis.call(c -> c.hget(key(token), "seen"));
    clock.advance(Duration.ofMinutes(20));
    assertThat(b.http.get("/v1/me", token).status()).isEqualTo(200); // B loads it from Redis
    clock.advance(Duration.ofSeconds(10));
    assertThat(b.http.get("/v1/me", token).status()).isEqualTo(200); // B tells Redis it was used, off the loop
    RedisStatus.until("B's use reached Redis", () -> !seenAtLogin.equals(redis.call(c -> c.hget(key(token), "seen"))));
    // and PostgreSQL, which Redis's touch writes right after (it decides that the session exists at all)
    RedisStatus.until("B's use reached PostgreSQL", () -> lastSeenInPostgres("cat").equals(clock.instant()));
    clock.advance(Duration.ofMinutes(15)); // 35 minutes since A last saw it; 15 since B did
    assertThat(a.http.get("/v1/me", token).status()).isEqualTo(200);
    clock.advance(Duration.ofMinutes(32));
    assertThat(a.http.get("/v1/me", token).status()).isEqualTo(401);
    assertThat(b.http.get("/v1/me", token).status()).isEqualTo(401);
  }

  private static java.time.Instant lastSeenInPostgres(String username) {
    try (var c = java.sql.DriverManager.getConnection(a.jdbcUrl());
        var ps = c.prepareStatement("""
            SELECT max(s.last_seen_at) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.username = ?""")) {
      ps.setString(1, username);
      try (var rs = ps.executeQuery()) {
        rs.next();
        return rs.getTimestamp(1).toInstant();
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void failedLoginsOnA_throttleTheAccountOnB() {
    user("dan");
    for (int i = 0; i < 3; i++) {
      int status = a.http.sendWithHeader("POST", "/v1/sessions", "X-Forwarded-For", "192.0.2." + i,
          new JsonObject().put("username", "dan").put("password", "wrong-password").encode()).status();
      assertThat(status).isEqualTo(401);
    }
    int onB = b.http.sendWithHeader("POST", "/v1/sessions", "X-Forwarded-For", "192.0.2.99",
        new JsonObject().put("username", "dan").put("password", "the-right-password").encode()).status();
    assertThat(onB).isEqualTo(429);
    clock.advance(Duration.ofMinutes(6));
    assertThat(b.http.login("dan", "the-right-password")).startsWith(Tokens.SESSION_PREFIX);
  }

  @Test
  void deactivationOnA_endsTheUsersSessionsOnB_andInRedis() {
    long eve = user("eve");
    String token = b.http.login("eve", "the-right-password");
    assertThat(b.http.get("/v1/me", token).status()).isEqualTo(200);
    assertThat(a.http.delete("/v1/users/" + eve, admin).status()).isEqualTo(200);
    assertThat(b.http.get("/v1/me", token).status()).isEqualTo(401);
    long left = redis.call(c -> c.exists(key(token)));
    assertThat(left).isZero();
  }

  @Test
  void aCommitOnA_publishesItsRevision_whichWakesBsChangeFeed() {
    // heard, not read: B's own NOTIFY races the same commit and, when it wins, leaves the wake nothing to read
    // (the read itself: ChangeFeedWakeTest)
    long before = b.app().feed().heard();
    user("fox");
    RedisStatus.until("B's feed was woken by A's published revision", () -> b.app().feed().heard() > before);
  }
}
