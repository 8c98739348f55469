package org.provost.testing;

import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.KeyScanCursor;
import java.util.UUID;
import org.provost.redis.Redis;

/**
 * The machine's Redis for tests ({@code PROVOST_TEST_REDIS_URL}, default {@code redis://127.0.0.1:6379/0}),
 * always under a key prefix of the test's own ({@code provost-test:<random>:}), removed again by
 * {@link #deleteKeys}: tests never flush the shared server. Where Redis does not answer, the test is
 * skipped with the reason (failed with {@code PROVOST_TEST_REQUIRE_ALL=true}).
 */
public final class TestRedis {
  public static final String URL = TestDatabases.env("PROVOST_TEST_REDIS_URL", "redis://127.0.0.1:6379/0");

  private TestRedis() {}

  /** A fresh prefix for one test. */
  public static String prefix() {
    return "provost-test:" + UUID.randomUUID().toString().substring(0, 13) + ":";
  }

  /** Connects to {@code url} under {@code prefix}, waiting up to 10 s for the connection; skips if none. */
  public static Redis connect(String url, String prefix) {
    Redis redis = Redis.start(url, prefix, revision -> { });
    if (!awaitAvailable(redis, 10_000)) {
      redis.close();
      TestDatabases.unavailable("Redis at " + url + " is not reachable");
    }
    return redis;
  }

  /** Polls {@link Redis#available} every 20 ms for up to {@code maxMillis}. */
  public static boolean awaitAvailable(Redis redis, long maxMillis) {
    long deadline = System.nanoTime() + maxMillis * 1_000_000;
    while (!redis.available()) {
      if (System.nanoTime() > deadline) return false;
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  /** Polls until {@link Redis#available} turns false (a killed server noticed), for up to 30 s. */
  public static void awaitUnavailable(Redis redis) {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (redis.available()) {
      if (System.nanoTime() > deadline) throw new AssertionError("redis still looks available");
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Deletes every key under {@code redis}'s prefix (SCAN, never FLUSHDB). Quiet when Redis is down. */
  public static void deleteKeys(Redis redis) {
    try {
      redis.call(c -> {
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
          KeyScanCursor<String> page = c.scan(cursor, ScanArgs.Builder.matches(redis.key("*")).limit(500));
          if (!page.getKeys().isEmpty()) c.del(page.getKeys().toArray(String[]::new));
          cursor = page;
        } while (!cursor.isFinished());
        return null;
      });
    } catch (Redis.Unavailable e) {
      // nothing to clean on a server that is gone
    }
  }

  /** Why Redis cannot serve tests here (nothing accepts a connection at {@link #URL}'s address), or empty. */
  public static java.util.Optional<String> missing() {
    java.net.URI uri = java.net.URI.create(URL);
    try (java.net.Socket s = new java.net.Socket()) {
      s.connect(new java.net.InetSocketAddress(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort()), 1000);
      return java.util.Optional.empty();
    } catch (java.io.IOException e) {
      return java.util.Optional.of("Redis at " + URL + " is not reachable: " + e.getMessage());
    }
  }
}
