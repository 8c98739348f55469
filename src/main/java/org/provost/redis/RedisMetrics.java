package org.provost.redis;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;
import org.provost.feed.ChangeFeed;
import org.provost.ops.Readiness;
import org.provost.sessions.TieredSessionStore;

/**
 * What an operator needs to see about Redis (docs/OBSERVABILITY.md): whether it answers
 * ({@code provost_redis_up}), how often it did not ({@code provost_redis_errors_total}), how much work fell
 * back to PostgreSQL or memory ({@code provost_redis_fallbacks_total{use}}), session removals still owed to
 * it ({@code provost_sessions_redis_pending_removals}), and how often pub/sub woke the change feed
 * ({@code provost_feed_wakes_total}); shared caches count as {@code provost_cache_gets_total{cache="redis_<family>"}}. Readiness reports it as {@code up} or {@code degraded}, never failing.
 */
public final class RedisMetrics {
  private RedisMetrics() {}

  /** Registers the series above on {@code meters} and Redis's state on {@code readiness}. */
  public static void bind(MeterRegistry meters, Redis redis, Optional<TieredSessionStore> sessions, ChangeFeed feed,
      Readiness readiness, SharedCache... caches) {
    for (SharedCache cache : caches) {
      org.provost.metrics.CacheMetrics.bind(meters, "redis_" + cache.family(), cache, SharedCache::hits,
          SharedCache::misses);
      FunctionCounter.builder("provost.redis.fallbacks", cache, SharedCache::fallbacks).tag("use", cache.family())
          .description("operations that wanted Redis and were served without it").register(meters);
    }
    Gauge.builder("provost.redis.up", redis, r -> r.available() ? 1 : 0)
        .description("1 while Redis answers, 0 while this instance serves without it").register(meters);
    FunctionCounter.builder("provost.redis.errors", redis, Redis::errors)
        .description("Redis commands that failed or timed out, and failed connection attempts").register(meters);
    sessions.ifPresent(s -> {
      FunctionCounter.builder("provost.redis.fallbacks", s, TieredSessionStore::fallbacks).tag("use", "sessions")
          .description("operations that wanted Redis and were served without it").register(meters);
      Gauge.builder("provost.sessions.redis.pending_removals", s, TieredSessionStore::pendingRemovals)
          .description("users whose ended sessions must still leave Redis (Redis's idle clock is not read meanwhile)")
          .register(meters);
    });
    FunctionCounter.builder("provost.feed.wakes", feed, ChangeFeed::wakes)
        .description("changelog reads started by a revision another instance published on Redis").register(meters);
    readiness.watchRedis(() -> redis.available() ? "up" : "degraded");
  }
}
