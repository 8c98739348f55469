package org.provost.loadtest;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The outcome of a run: one row per endpoint, one per traffic class and one for all of them, and the measured
 * seconds one by one. Latencies are in milliseconds, measured from each request's scheduled send time.
 *
 * @param connections        per traffic class label the mix uses ({@code memory}, {@code sql}, {@code hash}),
 *                           the connections it opened
 * @param measuredStartMillis wall-clock time (Unix epoch milliseconds) at which the measured period began
 * @param classes            one row per traffic class the mix uses, in class order
 */
public record Report(String url, int targetRate, int durationSeconds, int warmupSeconds,
    Map<String, Integer> connections, String mix, double elapsedSeconds, long measuredStartMillis, List<Row> rows,
    List<Row> classes, Row overall, List<Second> timeline, Lag generatorLag) {

  /**
   * How late the load generator released requests (ms past their scheduled time); included in their latency.
   * A large lag means the generator, not the target, was short of CPU.
   */
  public record Lag(double p99Ms, double maxMs) {
    /** A p99 lag beyond this is worth a warning next to the results. */
    static final double NOTEWORTHY_MS = 10;
  }

  /** One endpoint (or all): how many, how many failed and why, latency percentiles, rates per second. */
  public record Row(String endpoint, String route, long count, long ok, Map<String, Long> errors, double avgMs,
      double p50Ms, double p90Ms, double p99Ms, double p999Ms, double maxMs, double targetRate, double achievedRate) {
    public long errorCount() {
      return count - ok;
    }

    public double successRate() {
      return count == 0 ? 0 : (double) ok / count;
    }
  }

  /**
   * One measured second (1 = the first): per endpoint and per traffic class, what finished in it (so a request
   * that waited counts in the second it finished, with all of its wait).
   *
   * @param endMillis wall-clock end of the second (Unix epoch milliseconds), to line up runs side by side
   */
  public record Second(int second, long endMillis, Map<String, Point> endpoints, Map<String, Point> classes) {
    /** The second's points from one sample of the stats; endpoints and classes without requests are left out. */
    static Second of(int second, long endMillis, Map<Endpoint, Stats.Interval> sample) {
      Map<String, Point> endpoints = new LinkedHashMap<>();
      Map<TrafficClass, Histogram> byClass = new EnumMap<>(TrafficClass.class);
      Map<TrafficClass, Long> errorsByClass = new EnumMap<>(TrafficClass.class);
      sample.forEach((e, i) -> {
        if (i.count() == 0) return;
        endpoints.put(e.label(), Point.of(i));
        byClass.computeIfAbsent(e.trafficClass(), c -> new Histogram(3)).add(i.latencies());
        errorsByClass.merge(e.trafficClass(), i.errors(), Long::sum);
      });
      Map<String, Point> classes = new LinkedHashMap<>();
      byClass.forEach((c, h) -> classes.put(c.label(), Point.of(new Stats.Interval(h, errorsByClass.get(c)))));
      return new Second(second, endMillis, endpoints, classes);
    }
  }

  public record Point(long count, long errors, double p50Ms, double p99Ms, double maxMs) {
    static Point of(Stats.Interval i) {
      Histogram h = i.latencies();
      return new Point(i.count(), i.errors(), ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(99)),
          ms(h.getMaxValue()));
    }
  }

  static Report of(Plan plan, Stats stats, List<Second> timeline, double elapsedSeconds, long measuredStartMillis,
      Histogram lag) {
    List<Row> rows = new ArrayList<>();
    Sum all = new Sum();
    Map<TrafficClass, Sum> byClass = new EnumMap<>(TrafficClass.class);
    for (Endpoint e : Endpoint.values()) {
      if (plan.mix().share(e) == 0) continue;
      Histogram h = stats.total(e);
      Row row = row(e.label(), e.route(), h, stats.ok(e), stats.errors(e), plan.rate() * plan.mix().share(e),
          elapsedSeconds);
      rows.add(row);
      all.add(e, h, row);
      byClass.computeIfAbsent(e.trafficClass(), c -> new Sum()).add(e, h, row);
    }
    List<Row> classes = new ArrayList<>();
    byClass.forEach((c, sum) -> classes.add(sum.row(c.label(), elapsedSeconds)));
    Map<String, Integer> connections = new LinkedHashMap<>();
    plan.connections().used(plan.mix()).forEach((c, n) -> connections.put(c.label(), n));
    return new Report(plan.url().toString(), plan.rate(), plan.duration(), plan.warmup(), connections,
        plan.mix().toString(), elapsedSeconds, measuredStartMillis, rows, classes, all.row("all", elapsedSeconds),
        timeline, new Lag(ms(lag.getValueAtPercentile(99)), ms(lag.getMaxValue())));
  }

  /** Endpoint rows added up: their latencies merged, their errors named {@code endpoint.kind}. */
  private static final class Sum {
    final Histogram latencies = new Histogram(3);
    final Map<String, Long> errors = new LinkedHashMap<>();
    long ok;
    double target;

    void add(Endpoint e, Histogram h, Row row) {
      latencies.add(h);
      ok += row.ok();
      target += row.targetRate();
      row.errors().forEach((k, v) -> errors.merge(e.label() + "." + k, v, Long::sum));
    }

    Row row(String name, double elapsed) {
      return Report.row(name, "", latencies, ok, errors, target, elapsed);
    }
  }

  /** All the connections the run opened. */
  public int totalConnections() {
    return connections.values().stream().mapToInt(Integer::intValue).sum();
  }

  private static Row row(String name, String route, Histogram h, long ok, Map<String, Long> errors, double target,
      double elapsed) {
    long count = h.getTotalCount();
    boolean empty = count == 0;
    return new Row(name, route, count, ok, errors, empty ? 0 : h.getMean() / 1000.0,
        ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)), ms(h.getValueAtPercentile(99)),
        ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()), target, elapsed > 0 ? ok / elapsed : 0);
  }

  static double ms(long micros) {
    return micros / 1000.0;
  }
}
