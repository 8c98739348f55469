package org.provost.sessions;

import org.junit.jupiter.api.AfterEach;
import org.provost.redis.Redis;
import org.provost.testing.TestRedis;

/** The failure-log contract on the machine's real Redis, under a key prefix of each test's own. */
class RedisFailureLogTest extends FailureLogContract {
  private Redis redis;

  @Override
  FailureLog log() {
    redis = TestRedis.connect(TestRedis.URL, TestRedis.prefix());
    return new RedisFailureLog(redis, WINDOW, LoginThrottle.TRUST, KEEP);
  }

  @AfterEach
  void cleanUp() {
    if (redis != null) {
      TestRedis.deleteKeys(redis);
      redis.close();
    }
  }
}
