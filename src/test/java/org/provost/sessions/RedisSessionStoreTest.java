package org.provost.sessions;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.provost.redis.Redis;
import org.provost.testing.TestRedis;

/**
 * The session contract on the machine's real Redis ({@code PROVOST_TEST_REDIS_URL}), under a key prefix of
 * each test's own. Each {@link #store} has its own connection, as an instance would.
 */
class RedisSessionStoreTest extends SessionStoreContract {
  private final AtomicLong users = new AtomicLong();
  private final List<Redis> connections = new ArrayList<>();
  private String prefix;

  @BeforeEach
  void freshPrefix() {
    prefix = TestRedis.prefix();
  }

  @AfterEach
  void cleanUp() {
    if (!connections.isEmpty()) TestRedis.deleteKeys(connections.getFirst());
    connections.forEach(Redis::close);
    connections.clear();
  }

  @Override
  SessionStore store() {
    Redis redis = TestRedis.connect(TestRedis.URL, prefix);
    connections.add(redis);
    return new RedisSessionStore(redis, IDLE);
  }

  @Override
  long newUser(String username) {
    return users.incrementAndGet();
  }
}
