package org.provost.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.ToDoubleFunction;

/**
 * {@code provost_cache_gets_total{cache, result="hit"|"miss"}}: lookups of one in-process cache answered
 * from memory or sent to PostgreSQL. Caches: {@code me} (/v1/me bodies), {@code sessions} (session
 * tokens), {@code api_keys} (API keys).
 */
public final class CacheMetrics {
  private CacheMetrics() {}

  /** Registers the two counters of cache {@code name}, read from {@code cache} at scrape time. */
  public static <T> void bind(MeterRegistry meters, String name, T cache, ToDoubleFunction<T> hits,
      ToDoubleFunction<T> misses) {
    FunctionCounter.builder("provost.cache.gets", cache, hits).tag("cache", name).tag("result", "hit")
        .description("cache lookups by result").register(meters);
    FunctionCounter.builder("provost.cache.gets", cache, misses).tag("cache", name).tag("result", "miss")
        .description("cache lookups by result").register(meters);
  }
}
