package org.provost.redis;

import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * A family of cached values in Redis (JSON reply bodies), shared by every instance, each entry living
 * {@code ttl} at most. Entries are filed under the family's generation, {@code <prefix>c:<family>:<generation>:<key>};
 * {@link #invalidate} increments the generation, so every older entry becomes unreachable at once (it expires
 * by its TTL). A value read from PostgreSQL before a write committed can therefore only be filed under the
 * generation that write made obsolete: the race between a slow reader and a write cannot leave a stale entry.
 * When an invalidation cannot reach Redis, the family is not used until one does ({@link #retry}). Without
 * Redis ({@link #NONE}) every call loads. Blocking: call it off the event loop.
 */
public final class SharedCache {
  /** No cache: {@link #get} always loads. */
  public static final SharedCache NONE = new SharedCache(null, "none", Duration.ZERO);

  private final Redis redis;
  private final String family;
  private final long ttlMillis;
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder fallbacks = new LongAdder();
  private volatile boolean dirty;

  public SharedCache(Redis redis, String family, Duration ttl) {
    this.redis = redis;
    this.family = family;
    this.ttlMillis = ttl.toMillis();
  }

  /**
   * The value cached under {@code key}, else {@code load}'s (then cached). Exceptions of {@code load} pass
   * through and nothing is cached; Redis failures are not seen by the caller (the value is loaded).
   */
  public String get(String key, Supplier<String> load) {
    if (redis == null) return load.get();
    if (dirty || !redis.available()) {
      fallbacks.increment();
      return load.get();
    }
    String filed;
    try {
      String generation = redis.call(c -> c.get(redis.key("c:" + family + ":gen")));
      filed = redis.key("c:" + family + ":" + (generation == null ? "0" : generation) + ":" + key);
      String cached = redis.call(c -> c.get(filed));
      if (cached != null) {
        hits.increment();
        return cached;
      }
    } catch (Redis.Unavailable e) {
      fallbacks.increment();
      return load.get();
    }
    misses.increment();
    String value = load.get();
    try {
      redis.call(c -> c.psetex(filed, ttlMillis, value));
    } catch (Redis.Unavailable e) {
      fallbacks.increment();
    }
    return value;
  }

  /** Every entry of the family is obsolete (a write changed what they were read from). Never throws. */
  public void invalidate() {
    if (redis == null) return;
    dirty = true;
    retry();
  }

  /** Finishes an invalidation Redis missed; until then the family loads every value. Never throws. */
  public void retry() {
    if (redis == null || !dirty || !redis.available()) return;
    try {
      redis.call(c -> c.incr(redis.key("c:" + family + ":gen")));
      dirty = false;
    } catch (Redis.Unavailable e) {
      fallbacks.increment();
    }
  }

  /** The family's name (its keys' and its metrics' label). */
  public String family() {
    return family;
  }

  /** Values answered from Redis. */
  public long hits() {
    return hits.sum();
  }

  /** Values loaded because Redis did not have them (then filed there). */
  public long misses() {
    return misses.sum();
  }

  /** Values loaded without asking Redis, or Redis failures: Redis down, slow, or owed an invalidation. */
  public long fallbacks() {
    return fallbacks.sum();
  }
}
