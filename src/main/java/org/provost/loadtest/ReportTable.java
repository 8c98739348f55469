package org.provost.loadtest;

import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The report as a plain-text table for the terminal. */
final class ReportTable {
  private static final String ROW = "%-8s %9s %8s %8s %8s %8s %8s %8s %9s %19s%n";

  private ReportTable() {}

  static String render(Report r) {
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "%nlatency in ms from the scheduled send time; %d s measured (%.1f s until "
        + "the last answer), %d req/s target, mix %s%n%n", r.durationSeconds(), r.elapsedSeconds(), r.targetRate(),
        r.mix()));
    s.append(String.format(Locale.ROOT, ROW, "endpoint", "count", "success", "avg", "p50", "p90", "p99", "p99.9",
        "max", "rate/s (target)"));
    for (Report.Row row : r.rows()) s.append(line(row));
    s.append(line(r.overall()));
    for (Report.Row row : r.rows()) {
      if (!row.errors().isEmpty()) {
        s.append(String.format(Locale.ROOT, "errors %s: %s%n", row.endpoint(), describe(row.errors())));
      }
    }
    Report.Row all = r.overall();
    s.append(String.format(Locale.ROOT, "%noverall: %d requests, %d errors (%.3f%% success), p99 %.2f ms, "
        + "%.1f req/s achieved of %.1f target%n", all.count(), all.errorCount(), all.successRate() * 100,
        all.p99Ms(), all.achievedRate(), all.targetRate()));
    Report.Lag lag = r.generatorLag();
    s.append(String.format(Locale.ROOT, "load generator: released requests within %.2f ms of schedule (p99), "
        + "%.2f ms at most%s%n", lag.p99Ms(), lag.maxMs(), lag.p99Ms() > Report.Lag.NOTEWORTHY_MS
        ? "; WARNING: it ran late (short of CPU?) and its lag is part of the latencies above" : ""));
    return s.toString();
  }

  private static String line(Report.Row row) {
    return String.format(Locale.ROOT, ROW, row.endpoint(), row.count(),
        String.format(Locale.ROOT, "%.2f%%", row.successRate() * 100), ms(row.avgMs()), ms(row.p50Ms()),
        ms(row.p90Ms()), ms(row.p99Ms()), ms(row.p999Ms()), ms(row.maxMs()),
        String.format(Locale.ROOT, "%.1f (%.1f)", row.achievedRate(), row.targetRate()));
  }

  private static String ms(double v) {
    return String.format(Locale.ROOT, v < 100 ? "%.2f" : "%.0f", v);
  }

  static String describe(Map<String, Long> errors) {
    return errors.entrySet().stream().map(e -> e.getKey() + " x" + e.getValue()).collect(Collectors.joining(", "));
  }
}
