package org.provost.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.provost.testing.LocalRedis;
import org.provost.testing.TestRedis;

/** {@link SharedCache} on real Redis: hits, invalidation, the slow-reader race, and Redis going away. */
class SharedCacheTest {
  Redis redis;
  final AtomicInteger loads = new AtomicInteger();

  @BeforeEach
  void connect() {
    redis = TestRedis.connect(TestRedis.URL, TestRedis.prefix());
  }

  @AfterEach
  void clean() {
    TestRedis.deleteKeys(redis);
    redis.close();
  }

  String load(String value) {
    loads.incrementAndGet();
    return value;
  }

  @Test
  void aSecondGet_isAHit_andAnInvalidation_makesTheNextGetLoad() {
    SharedCache cache = new SharedCache(redis, "t", Duration.ofHours(1));
    assertThat(cache.get("k", () -> load("v1"))).isEqualTo("v1");
    assertThat(cache.get("k", () -> load("v2"))).isEqualTo("v1");
    assertThat(loads).hasValue(1);
    assertThat(cache.hits()).isOne();
    cache.invalidate();
    assertThat(cache.get("k", () -> load("v2"))).isEqualTo("v2");
    assertThat(loads).hasValue(2);
  }

  @Test
  void aValueLoadedBeforeAWriteCommitted_isNeverServedAfterTheWritesInvalidation() {
    SharedCache reader = new SharedCache(redis, "t", Duration.ofHours(1));
    SharedCache writer = new SharedCache(redis, "t", Duration.ofHours(1)); // another instance
    // the reader has read the generation; the write commits and invalidates before the reader files its value
    String stale = reader.get("k", () -> {
      writer.invalidate();
      return load("old");
    });
    assertThat(stale).isEqualTo("old"); // that request read before the write: fine
    assertThat(writer.get("k", () -> load("new"))).isEqualTo("new");
    assertThat(reader.get("k", () -> load("newer"))).isEqualTo("new");
  }

  @Test
  void withRedisGone_everyGetLoads_andAMissedInvalidationIsDoneWhenItReturns() {
    LocalRedis own = LocalRedis.start();
    Redis r = TestRedis.connect(own.url(), "c:");
    try {
      SharedCache cache = new SharedCache(r, "t", Duration.ofHours(1));
      assertThat(cache.get("k", () -> load("v1"))).isEqualTo("v1");
      own.kill();
      TestRedis.awaitUnavailable(r);
      assertThat(cache.get("k", () -> load("v2"))).isEqualTo("v2");
      cache.invalidate(); // cannot reach Redis: owed
      own.startServer(); // empty, but a Redis that kept its keys would still hold "v1" under the old generation
      assertThat(TestRedis.awaitAvailable(r, 30_000)).isTrue();
      assertThat(cache.get("k", () -> load("v3"))).isEqualTo("v3"); // not used while the invalidation is owed
      cache.retry();
      assertThat(cache.get("k", () -> load("v4"))).isEqualTo("v4");
      assertThat(cache.get("k", () -> load("v5"))).isEqualTo("v4");
      assertThat(cache.fallbacks()).isPositive();
    } finally {
      r.close();
      own.close();
    }
  }
}
