package org.provost.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.ToDoubleFunction;

/**
 * {@code provost_cache_gets_total{cache, result="hit"|"miss"}}: lookups of one in-process cache answered
 * from memory or sent to PostgreSQL. Caches: {@code me} (/v1/me bodies; also {@code result="rebuilt"}: a body
 * rebuilt in memory from the authorization index after the user's grants, a role or the directory changed), {@code sessions} (session
 * tokens), {@code api_keys} (API keys).
 */
public final class CacheMetrics {
  private CacheMetrics() {}

  /** Registers the two counters of cache {@code name}, read from {@code cache} at scrape time. */
  public static <T> void bind(MeterRegistry meters, String name, T cache, ToDoubleFunction<T> hits,
      ToDoubleFunction<T> misses) {
    result(meters, name, cache, "hit", hits);
    result(meters, name, cache, "miss", misses);
  }

  /** Registers one more {@code result} counter of cache {@code name}, read from {@code cache} at scrape time. */
  public static <T> void result(MeterRegistry meters, String name, T cache, String result, ToDoubleFunction<T> count) {
    FunctionCounter.builder("provost.cache.gets", cache, count).tag("cache", name).tag("result", result)
        .description("cache lookups by result").register(meters);
  }
}
