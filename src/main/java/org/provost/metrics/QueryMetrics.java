package org.provost.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.provost.db.QueryObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Duration per named SQL query ({@code provost_db_query_seconds{query="users.page"}}, fixed buckets from
 * 1 ms to 5 s) and the slow-query log: one WARN line on logger {@code provost.slow_query} with the query's
 * name, duration and row count for every statement at or above the threshold. Never the SQL's parameters.
 */
public final class QueryMetrics implements QueryObserver {
  private static final Logger SLOW = LoggerFactory.getLogger("provost.slow_query");
  private static final Duration[] BUCKETS = java.util.stream.LongStream
      .of(1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 5000)
      .mapToObj(Duration::ofMillis).toArray(Duration[]::new);

  private final MeterRegistry meters;
  private final long slowNanos;
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();

  /** @param slowThreshold statements taking at least this long are logged */
  public QueryMetrics(MeterRegistry meters, Duration slowThreshold) {
    this.meters = meters;
    this.slowNanos = slowThreshold.toNanos();
  }

  @Override
  public void executed(String name, long nanos, long rows) {
    timers.computeIfAbsent(name, n -> Timer.builder("provost.db.query")
        .description("SQL statements by query name: time from execution to the last row read")
        .tag("query", n).serviceLevelObjectives(BUCKETS).register(meters))
        .record(nanos, TimeUnit.NANOSECONDS);
    if (nanos >= slowNanos) {
      SLOW.atWarn().setMessage("slow query").addKeyValue("query", name)
          .addKeyValue("duration_ms", Math.round(nanos / 10_000.0) / 100.0).addKeyValue("rows", rows).log();
    }
  }
}
