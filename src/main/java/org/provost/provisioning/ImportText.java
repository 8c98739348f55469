package org.provost.provisioning;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.provost.error.ServiceException.FieldError;

/** Renders an import report as plain text: an outcome line, the counts, samples, and the invalid rows. */
final class ImportText {
  private ImportText() {}

  static String render(ImportReport report, ImportPlan plan, Importer.Options options, int rows, Long revision) {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "import of %,d rows: ", rows));
    if (options.dryRun()) out.append("DRY RUN, nothing was changed");
    else if (report.rejected()) {
      out.append("REJECTED, nothing was changed (invalid rows; --skip-invalid imports the rest)");
    }
    else if (revision == null) out.append("applied; nothing needed changing");
    else out.append("applied at revision ").append(revision);
    out.append('\n');
    out.append(String.format(Locale.ROOT, "  %-12s %,9d%n", "created", report.created()));
    out.append(String.format(Locale.ROOT, "  %-12s %,9d%n", "updated", report.updated()));
    out.append(String.format(Locale.ROOT, "  %-12s %,9d%n", "unchanged", report.unchanged()));
    out.append(String.format(Locale.ROOT, "  %-12s %,9d%s%n", "deactivated", report.deactivated(),
        options.snapshot() ? "" : "  (only with --snapshot)"));
    out.append(String.format(Locale.ROOT, "  %-12s %,9d%n", "invalid", report.invalid()));
    section(out, "created", plan.creates, ImportText::row);
    section(out, "updated", plan.updates, u -> {
      StringBuilder line = new StringBuilder(row(u.row())).append(':');
      for (ImportPlan.Change ch : u.changes()) {
        line.append(' ').append(ch.field()).append(' ').append(ch.from()).append(" -> ").append(ch.to()).append(';');
      }
      line.setLength(line.length() - 1);
      return line.toString();
    });
    section(out, "unchanged", plan.unchanged, ImportText::row);
    section(out, "deactivated", plan.deactivations, d -> d.externalId() + "  " + d.username());
    if (!plan.invalid.isEmpty()) {
      out.append("invalid rows:\n");
      int shown = 0;
      for (ImportRow row : plan.invalid) {
        if (shown++ == ImportReport.MAX_INVALID) {
          out.append(String.format(Locale.ROOT, "  ... and %,d more rows%n",
              plan.invalid.size() - ImportReport.MAX_INVALID));
          break;
        }
        for (FieldError e : row.errors) {
          out.append("  line ").append(row.line).append(": ").append(e.field()).append(": ").append(e.reason())
              .append('\n');
        }
      }
    }
    return out.toString();
  }

  private static <T> void section(StringBuilder out, String title, List<T> items, Function<T, String> line) {
    if (items.isEmpty()) return;
    out.append(title).append(items.size() > ImportReport.SAMPLES ? " (samples):\n" : ":\n");
    for (T item : items.subList(0, Math.min(ImportReport.SAMPLES, items.size()))) {
      out.append("  ").append(line.apply(item)).append('\n');
    }
    if (items.size() > ImportReport.SAMPLES) {
      out.append(String.format(Locale.ROOT, "  ... and %,d more%n", items.size() - ImportReport.SAMPLES));
    }
  }

  private static String row(ImportRow row) {
    String username = row.username != null ? row.username : row.existing != null ? row.existing.username() : "";
    return "line " + row.line + "  " + row.externalId + "  " + username;
  }
}
