package org.provost.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.provost.redis.Redis;
import org.provost.testing.LocalRedis;
import org.provost.testing.TestRedis;

/**
 * The throttle's records across a Redis outage, on a private redis-server of this test's own (never the
 * machine's): failures counted in memory while Redis was gone still count once it is back.
 */
class FailingOverFailureLogTest {
  static final long WINDOW = 300_000;
  static final long T0 = 1_788_249_600_000L;
  private LocalRedis server;
  private Redis redis;

  @AfterEach
  void stop() {
    if (redis != null) redis.close();
    if (server != null) server.close();
  }

  @Test
  void failuresCountedWhileRedisWasDown_stillCountWhenItReturnsEmpty() {
    server = LocalRedis.start();
    redis = TestRedis.connect(server.url(), TestRedis.prefix());
    FailingOverFailureLog log = new FailingOverFailureLog(new RedisFailureLog(redis, WINDOW, LoginThrottle.TRUST, 10),
        new LocalFailureLog(WINDOW, LoginThrottle.TRUST, 10, Clock.systemUTC()), redis);
    log.add(FailureLog.Kind.ACCOUNT, "id:7", T0);
    server.kill();
    TestRedis.awaitUnavailable(redis);
    for (int i = 1; i <= 4; i++) log.add(FailureLog.Kind.ACCOUNT, "id:7", T0 + i);
    server.startServer(); // a new, empty Redis: it never saw the four
    assertThat(TestRedis.awaitAvailable(redis, 30_000)).as("the private Redis came back").isTrue();
    assertThat(log.since(FailureLog.Kind.ACCOUNT, "id:7", T0 - WINDOW, 10)).hasSize(5);
  }
}
