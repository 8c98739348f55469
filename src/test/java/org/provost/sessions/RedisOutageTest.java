package org.provost.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import java.util.HexFormat;
import org.provost.redis.Redis;
import org.provost.security.Tokens;
import org.provost.testing.LocalRedis;
import org.provost.testing.TestRedis;
import org.provost.testing.RedisStatus;
import org.provost.testing.Scrape;
import org.provost.testing.TestDatabases;
import org.provost.testing.TestServer;

/**
 * Redis killed under two instances (a private redis-server of this test's own, never the machine's): sessions
 * made before still validate on both, logins and logouts still work, readiness stays 200 and says Redis is
 * degraded; when Redis is started again (empty), everything uses it again by itself, and no session was lost.
 */
class RedisOutageTest {
  static LocalRedis redis;
  static TestServer a;
  static TestServer b;

  @BeforeAll
  static void start() {
    redis = LocalRedis.start();
    Map<String, String> settings = Map.of("PROVOST_REDIS_URL", redis.url(), "PROVOST_REDIS_KEY_PREFIX", "outage:");
    a = TestServer.startOn(TestDatabases.create(), true, settings, java.time.Clock.systemUTC());
    b = TestServer.startOn(a.jdbcUrl(), false, settings, java.time.Clock.systemUTC());
    RedisStatus.await(a, "up");
    RedisStatus.await(b, "up");
  }

  @AfterAll
  static void stop() {
    if (b != null) b.close();
    if (a != null) a.close();
    if (redis != null) redis.close();
  }

  @Test
  void aLogoutWhileRedisHangs_isNotUndoneByTheCopyRedisKept() {
    // another test's outage may have left removals owed: while they run they move the ending generation,
    // and a session copied to Redis meanwhile is (rightly) not written
    RedisStatus.until("no removal owed to Redis", () -> pending(a) == 0 && pending(b) == 0);
    String token = a.http.login("admin", TestServer.ADMIN_PASSWORD);
    assertThat(b.http.get("/v1/me", token).status()).isEqualTo(200);
    Redis own = TestRedis.connect(redis.url(), "outage:");
    try {
      String key = own.key("s:" + HexFormat.of().formatHex(Tokens.hash(token)));
      long before = own.call(c -> c.exists(key));
      assertThat(before).isOne();
      redis.pause(); // keeps the session's key, answers nothing: removals time out
      try {
        assertThat(a.http.delete("/v1/sessions/current", token).status()).isEqualTo(204);
        // A answered once A had applied the ending; B applies it as its own feed reads it (Redis is of no help)
        RedisStatus.until("B refuses the ended session", () -> b.http.get("/v1/me", token).status() == 401);
      } finally {
        redis.resume();
      }
      // Redis still has the key until a retried removal takes it: meanwhile no instance may trust it
      assertThat(a.http.get("/v1/me", token).status()).isEqualTo(401);
      assertThat(b.http.get("/v1/me", token).status()).isEqualTo(401);
      RedisStatus.until("the removals owed to Redis are done", () -> pending(a) == 0 && pending(b) == 0);
      long after = own.call(c -> c.exists(key));
      assertThat(after).isZero();
      assertThat(b.http.get("/v1/me", token).status()).isEqualTo(401);
    } finally {
      own.close();
    }
  }

  static double pending(TestServer server) {
    return Scrape.of(server).sum("provost_sessions_redis_pending_removals");
  }

  @Test
  void anInstanceStartsWhileRedisIsDown_servesFromPostgreSQL_andUsesRedisOnceItAnswers() {
    LocalRedis later = LocalRedis.notStarted();
    try (TestServer c = TestServer.startOn(a.jdbcUrl(), false, Map.of("PROVOST_REDIS_URL", later.url(),
        "PROVOST_REDIS_KEY_PREFIX", "later:"), java.time.Clock.systemUTC())) {
      RedisStatus.await(c, "degraded");
      assertThat(c.http.get("/health/ready", null).status()).isEqualTo(200);
      String token = c.http.login("admin", TestServer.ADMIN_PASSWORD);
      assertThat(c.http.get("/v1/me", token).status()).isEqualTo(200);
      later.startServer();
      RedisStatus.await(c, "up");
      String next = c.http.login("admin", TestServer.ADMIN_PASSWORD);
      Redis own = TestRedis.connect(later.url(), "later:");
      try {
        long stored = own.call(cmd -> cmd.exists(own.key("s:" + HexFormat.of().formatHex(Tokens.hash(next)))));
        assertThat(stored).isOne();
      } finally {
        own.close();
      }
      assertThat(c.http.get("/v1/me", token).status()).isEqualTo(200);
    } finally {
      later.close();
    }
  }

  @Test
  void killingRedis_losesNoSessionAndFailsNoRequest_andItsReturnIsPickedUp() {
    List<String> before = new ArrayList<>();
    for (int i = 0; i < 5; i++) before.add(a.http.login("admin", TestServer.ADMIN_PASSWORD));
    for (String token : before) assertThat(b.http.get("/v1/me", token).status()).isEqualTo(200);

    redis.kill();
    RedisStatus.await(a, "degraded");
    RedisStatus.await(b, "degraded");
    var ready = a.http.get("/health/ready", null);
    assertThat(ready.status()).as(ready.toString()).isEqualTo(200);
    assertThat(Scrape.of(a).sum("provost_redis_up")).isZero();

    // every session made before validates on both instances; one never seen by B loads from PostgreSQL
    for (String token : before) {
      assertThat(a.http.get("/v1/me", token).status()).isEqualTo(200);
      assertThat(b.http.get("/v1/me", token).status()).isEqualTo(200);
    }
    String during = b.http.login("admin", TestServer.ADMIN_PASSWORD);
    assertThat(a.http.get("/v1/me", during).status()).isEqualTo(200);
    // a logout while Redis is gone holds on both instances
    assertThat(a.http.delete("/v1/sessions/current", before.getFirst()).status()).isEqualTo(204);
    RedisStatus.until("B refuses the ended session", () -> b.http.get("/v1/me", before.getFirst()).status() == 401);
    // wrong passwords are still throttled (in memory) and still answered 401, never 5xx
    var wrong = a.http.post("/v1/sessions", null, new io.vertx.core.json.JsonObject().put("username", "admin")
        .put("password", "wrong-password"));
    assertThat(wrong.status()).isEqualTo(401);

    redis.startServer(); // empty: it kept nothing
    RedisStatus.await(a, "up");
    RedisStatus.await(b, "up");
    RedisStatus.until("A owes Redis no removal", () -> Scrape.of(a).sum("provost_sessions_redis_pending_removals") == 0);
    for (String token : before.subList(1, before.size())) {
      assertThat(b.http.get("/v1/me", token).status()).isEqualTo(200);
    }
    assertThat(b.http.get("/v1/me", during).status()).isEqualTo(200);
    assertThat(a.http.get("/v1/me", before.getFirst()).status()).isEqualTo(401);
    String after = a.http.login("admin", TestServer.ADMIN_PASSWORD);
    assertThat(b.http.get("/v1/me", after).status()).isEqualTo(200);
    assertThat(Scrape.of(a).sum("provost_redis_up")).isEqualTo(1);
    assertThat(Scrape.of(a).sum("provost_redis_fallbacks_total", "use", "sessions")).isPositive();
  }
}
