package org.provost.loadtest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The outcome of a run: one row per endpoint and one for all of them, and the measured seconds one by one.
 * Latencies are in milliseconds, measured from each request's scheduled send time.
 */
public record Report(String url, int targetRate, int durationSeconds, int warmupSeconds, int connections, String mix,
    double elapsedSeconds, List<Row> rows, Row overall, List<Second> timeline, Lag generatorLag) {

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

  /** One measured second (1 = the first): per endpoint, what finished in it. */
  public record Second(int second, Map<String, Point> endpoints) {}

  public record Point(long count, long errors, double p50Ms, double p99Ms, double maxMs) {
    static Point of(Stats.Interval i) {
      Histogram h = i.latencies();
      return new Point(i.count(), i.errors(), ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(99)),
          ms(h.getMaxValue()));
    }
  }

  static Report of(Plan plan, Stats stats, List<Second> timeline, double elapsedSeconds, Histogram lag) {
    List<Row> rows = new ArrayList<>();
    Histogram all = new Histogram(3);
    long count = 0;
    long ok = 0;
    double target = 0;
    Map<String, Long> allErrors = new LinkedHashMap<>();
    for (Endpoint e : Endpoint.values()) {
      if (plan.mix().share(e) == 0) continue;
      Histogram h = stats.total(e);
      Row row = row(e.label(), e.route(), h, stats.ok(e), stats.errors(e), plan.rate() * plan.mix().share(e),
          elapsedSeconds);
      rows.add(row);
      all.add(h);
      count += row.count();
      ok += row.ok();
      target += row.targetRate();
      row.errors().forEach((k, v) -> allErrors.merge(e.label() + "." + k, v, Long::sum));
    }
    Row overall = row("all", "", all, ok, allErrors, target, elapsedSeconds);
    return new Report(plan.url().toString(), plan.rate(), plan.duration(), plan.warmup(), plan.connections(),
        plan.mix().toString(), elapsedSeconds, rows, overall, timeline,
        new Lag(ms(lag.getValueAtPercentile(99)), ms(lag.getMaxValue())));
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
