package org.provost.loadtest;

import java.util.Locale;
import java.util.Map;

/**
 * The per-second timeline as CSV ({@code --timeline}), one line per second and traffic class, then per second
 * and endpoint: {@code second,end_unix_ms,scope,name,count,errors,p50_ms,p99_ms,max_ms}. {@code second} counts
 * the measured seconds from 1; {@code end_unix_ms} is that second's wall-clock end, so the timelines of runs
 * side by side can be lined up; {@code scope} is {@code class} or {@code endpoint}. Each line holds what
 * finished in that second, latencies from the scheduled send time.
 */
final class TimelineCsv {
  static final String HEADER = "second,end_unix_ms,scope,name,count,errors,p50_ms,p99_ms,max_ms";

  private TimelineCsv() {}

  static String of(Report r) {
    StringBuilder s = new StringBuilder(HEADER).append('\n');
    for (Report.Second second : r.timeline()) {
      lines(s, second, "class", second.classes());
      lines(s, second, "endpoint", second.endpoints());
    }
    return s.toString();
  }

  private static void lines(StringBuilder s, Report.Second second, String scope, Map<String, Report.Point> points) {
    points.forEach((name, p) -> s.append(String.format(Locale.ROOT, "%d,%d,%s,%s,%d,%d,%.3f,%.3f,%.3f\n",
        second.second(), second.endMillis(), scope, name, p.count(), p.errors(), p.p50Ms(), p.p99Ms(), p.maxMs())));
  }
}
