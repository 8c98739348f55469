package org.provost.loadtest;

/**
 * The report's renderings, for the command line: table, JSON, the per-second timeline as CSV, and the plot
 * (HTML or SVG by file name).
 */
public final class ReportFiles {
  private ReportFiles() {}

  public static String table(Report r) {
    return ReportTable.render(r);
  }

  public static String json(Report r) {
    return ReportJson.of(r).encodePrettily();
  }

  /** The timeline as CSV: see {@link TimelineCsv} for the columns. */
  public static String timeline(Report r) {
    return TimelineCsv.of(r);
  }

  public static String plot(Report r, String fileName) {
    return fileName.toLowerCase(java.util.Locale.ROOT).endsWith(".svg") ? LatencyPlot.svg(r) : LatencyPlot.html(r);
  }
}
