package org.provost.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.provost.testing.LocalRedis;
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
    assertThat(b.http.get("/v1/me", before.getFirst()).status()).isEqualTo(401);
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
