package org.provost.loadtest;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Latency over time, one chart per endpoint: p50, p99 and max of each measured second on a log scale, with
 * seconds that had errors marked red along the time axis. A self-contained HTML page (summary table plus
 * inline SVG, no scripts) or, for a file name ending in {@code .svg}, the charts alone as one SVG.
 */
final class LatencyPlot {
  private static final int WIDTH = 880;
  private static final int HEIGHT = 250;
  private static final int LEFT = 64;
  private static final int RIGHT = 20;
  private static final int TOP = 30;
  private static final int BOTTOM = 40;
  private static final String[][] SERIES = {{"p50", "#2b7bb9"}, {"p99", "#e08a00"}, {"max", "#c0392b"}};

  private LatencyPlot() {}

  static String svg(Report r) {
    StringBuilder s = new StringBuilder();
    int height = HEIGHT * Math.max(1, r.rows().size()) + 30;
    s.append(f("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" "
        + "font-size=\"12\">\n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n", WIDTH, height));
    s.append(f("<text x=\"10\" y=\"20\" font-size=\"14\">%s</text>\n", esc(title(r))));
    for (int k = 0; k < r.rows().size(); k++) {
      s.append(f("<g transform=\"translate(0,%d)\">\n", 30 + k * HEIGHT)).append(chart(r, r.rows().get(k)))
          .append("</g>\n");
    }
    return s.append("</svg>\n").toString();
  }

  static String html(Report r) {
    StringBuilder s = new StringBuilder("<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>provost loadtest"
        + "</title>\n<style>body{font-family:sans-serif;margin:24px}table{border-collapse:collapse}"
        + "td,th{padding:3px 10px;text-align:right;border-bottom:1px solid #ddd}td:first-child,th:first-child"
        + "{text-align:left}</style></head><body>\n");
    s.append(f("<h2>provost loadtest</h2>\n<p>%s</p>\n<table><tr><th>endpoint</th><th>count</th><th>success</th>"
        + "<th>avg</th><th>p50</th><th>p90</th><th>p99</th><th>p99.9</th><th>max</th><th>rate/s</th>"
        + "<th>target/s</th></tr>\n", esc(title(r))));
    List<Report.Row> rows = new ArrayList<>(r.rows());
    rows.add(r.overall());
    for (Report.Row row : rows) {
      s.append(f("<tr><td>%s</td><td>%d</td><td>%.2f%%</td><td>%.2f</td><td>%.2f</td><td>%.2f</td><td>%.2f</td>"
          + "<td>%.2f</td><td>%.2f</td><td>%.1f</td><td>%.1f</td></tr>\n", esc(row.endpoint()), row.count(),
          row.successRate() * 100, row.avgMs(), row.p50Ms(), row.p90Ms(), row.p99Ms(), row.p999Ms(), row.maxMs(),
          row.achievedRate(), row.targetRate()));
    }
    s.append(f("</table>\n<p>Latencies in ms, measured from each request's scheduled send time. The load generator "
        + "released requests within %.2f ms of schedule (p99), %.2f ms at most.</p>\n", r.generatorLag().p99Ms(),
        r.generatorLag().maxMs()));
    for (Report.Row row : r.rows()) {
      s.append(f("<div><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\""
          + " font-size=\"12\">\n", WIDTH, HEIGHT)).append(chart(r, row)).append("</svg></div>\n");
      if (!row.errors().isEmpty()) s.append(f("<p>errors: %s</p>\n", esc(ReportTable.describe(row.errors()))));
    }
    return s.append("</body></html>\n").toString();
  }

  private static String title(Report r) {
    return f("%s: %d req/s for %d s (+%d s warm-up), connections %s, mix %s", r.url(), r.targetRate(),
        r.durationSeconds(), r.warmupSeconds(), connections(r), r.mix());
  }

  private static String connections(Report r) {
    StringBuilder s = new StringBuilder();
    r.connections().forEach((c, n) -> s.append(s.isEmpty() ? "" : ",").append(c).append('=').append(n));
    return s.toString();
  }

  private static String chart(Report r, Report.Row row) {
    String name = row.endpoint();
    int seconds = Math.max(1, r.timeline().size());
    double lo = Double.MAX_VALUE;
    double hi = 0;
    for (Report.Second sec : r.timeline()) {
      Report.Point p = sec.endpoints().get(name);
      if (p == null) continue;
      lo = Math.min(lo, Math.max(0.01, p.p50Ms()));
      hi = Math.max(hi, p.maxMs());
    }
    int minDecade = hi == 0 ? -1 : (int) Math.floor(Math.log10(lo));
    int maxDecade = hi == 0 ? 1 : Math.max(minDecade + 1, (int) Math.ceil(Math.log10(Math.max(hi, 0.01))));
    Axes axes = new Axes(seconds, minDecade, maxDecade);
    StringBuilder s = new StringBuilder();
    s.append(f("<text x=\"%d\" y=\"18\" font-size=\"13\" font-weight=\"bold\">%s</text><text x=\"%d\" y=\"18\" "
        + "fill=\"#555\">%s</text>\n", LEFT, esc(name), LEFT + 70, esc(row.route())));
    for (int d = minDecade; d <= maxDecade; d++) {
      double y = axes.y(Math.pow(10, d));
      s.append(f("<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/><text x=\"%d\" y=\"%.1f\" "
          + "text-anchor=\"end\">%s</text>\n", LEFT, WIDTH - RIGHT, y, y, LEFT - 6, y + 4, decade(d)));
    }
    int step = Math.max(1, (int) Math.ceil(seconds / 10.0));
    for (int t = 0; t <= seconds; t += step) {
      s.append(f("<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>\n", axes.x(t), HEIGHT - BOTTOM + 16, t));
    }
    s.append(f("<text x=\"%d\" y=\"%d\" text-anchor=\"end\" fill=\"#555\">seconds</text>\n", WIDTH - RIGHT,
        HEIGHT - 6));
    s.append(f("<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>\n", LEFT, TOP,
        WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM));
    for (int k = 0; k < SERIES.length; k++) {
      s.append(f("<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"%s\"/>\n", SERIES[k][1],
          points(r, name, k, axes)));
      s.append(f("<rect x=\"%d\" y=\"8\" width=\"12\" height=\"3\" fill=\"%s\"/><text x=\"%d\" y=\"13\">%s</text>\n",
          WIDTH - RIGHT - 190 + k * 65, SERIES[k][1], WIDTH - RIGHT - 174 + k * 65, SERIES[k][0]));
    }
    for (Report.Second sec : r.timeline()) {
      Report.Point p = sec.endpoints().get(name);
      if (p != null && p.errors() > 0) {
        s.append(f("<rect x=\"%.1f\" y=\"%d\" width=\"3\" height=\"6\" fill=\"#c0392b\"><title>%d errors</title>"
            + "</rect>\n", axes.x(sec.second() - 0.5) - 1.5, HEIGHT - BOTTOM - 6, p.errors()));
      }
    }
    return s.toString();
  }

  private static String points(Report r, String name, int series, Axes axes) {
    StringBuilder s = new StringBuilder();
    for (Report.Second sec : r.timeline()) {
      Report.Point p = sec.endpoints().get(name);
      if (p == null) continue;
      double v = series == 0 ? p.p50Ms() : series == 1 ? p.p99Ms() : p.maxMs();
      s.append(f("%.1f,%.1f ", axes.x(sec.second() - 0.5), axes.y(v)));
    }
    return s.toString().strip();
  }

  private record Axes(int seconds, int minDecade, int maxDecade) {
    double x(double t) {
      return LEFT + t / seconds * (WIDTH - LEFT - RIGHT);
    }

    double y(double ms) {
      double v = Math.log10(Math.max(ms, Math.pow(10, minDecade)));
      return HEIGHT - BOTTOM - (v - minDecade) / (maxDecade - minDecade) * (HEIGHT - TOP - BOTTOM);
    }
  }

  /** A power of ten of milliseconds as a short label: 0.01 ms, 1 ms, 100 ms, 10 s. */
  private static String decade(int d) {
    if (d >= 3) return (long) Math.pow(10, d - 3) + " s";
    return (d >= 0 ? String.valueOf((long) Math.pow(10, d)) : f("%." + (-d) + "f", Math.pow(10, d))) + " ms";
  }

  private static String f(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
