package org.provost.provisioning;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.provost.error.ServiceException;
import org.provost.error.ServiceException.FieldError;

/**
 * What an import did or, in a dry run, would do: counts, up to {@value #SAMPLES} samples of each outcome,
 * and up to {@value #MAX_INVALID} invalid rows with their line numbers, fields and reasons.
 */
public final class ImportReport {
  static final int SAMPLES = 10;
  static final int MAX_INVALID = 1000;

  private final int rows;
  private final ImportPlan plan;
  private final Importer.Options options;
  private final boolean applied;
  private final Long revision;

  ImportReport(int rows, ImportPlan plan, Importer.Options options, boolean applied, Long revision) {
    this.rows = rows;
    this.plan = plan;
    this.options = options;
    this.applied = applied;
    this.revision = revision;
  }

  public int created() {
    return plan.creates.size();
  }

  public int updated() {
    return plan.updates.size();
  }

  public int unchanged() {
    return plan.unchanged.size();
  }

  public int deactivated() {
    return plan.deactivations.size();
  }

  public int invalid() {
    return plan.invalid.size();
  }

  public boolean applied() {
    return applied;
  }

  /** True when a real run changed nothing because of invalid rows (and --skip-invalid was not given). */
  public boolean rejected() {
    return !options.dryRun() && !applied;
  }

  /** The rejection as a 400: each invalid row's problems, fields named {@code line[N].column}. */
  public ServiceException.InvalidInput rejection() {
    List<FieldError> errors = new ArrayList<>();
    for (ImportRow row : plan.invalid.subList(0, Math.min(MAX_INVALID, plan.invalid.size()))) {
      for (FieldError e : row.errors) errors.add(new FieldError("line[" + row.line + "]." + e.field(), e.reason()));
    }
    return new ServiceException.InvalidInput("invalid_rows", invalid() + " of " + rows
        + " rows are invalid, so nothing was imported; fix them, or set skip_invalid=true to import the rest"
        + " (dry_run=true reports everything the import would do)", errors);
  }

  public JsonObject counts() {
    return new JsonObject().put("created", created()).put("updated", updated()).put("unchanged", unchanged())
        .put("deactivated", deactivated()).put("invalid", invalid());
  }

  public JsonObject toJson() {
    JsonArray invalidRows = new JsonArray();
    for (ImportRow row : plan.invalid.subList(0, Math.min(MAX_INVALID, plan.invalid.size()))) {
      invalidRows.add(invalidJson(row));
    }
    return new JsonObject()
        .put("dry_run", options.dryRun()).put("snapshot", options.snapshot())
        .put("skip_invalid", options.skipInvalid()).put("applied", applied).put("revision", revision)
        .put("rows", rows).put("counts", counts())
        .put("samples", new JsonObject()
            .put("created", samples(plan.creates, ImportReport::rowJson))
            .put("updated", samples(plan.updates, ImportReport::updateJson))
            .put("unchanged", samples(plan.unchanged, ImportReport::rowJson))
            .put("deactivated", samples(plan.deactivations, d -> new JsonObject().put("id", d.id())
                .put("external_id", d.externalId()).put("username", d.username()))))
        .put("invalid", invalidRows)
        .put("invalid_truncated", plan.invalid.size() > MAX_INVALID);
  }

  /** What the audit log keeps of an applied import. */
  JsonObject auditSummary() {
    return new JsonObject().put("rows", rows).put("counts", counts()).put("snapshot", options.snapshot())
        .put("skip_invalid", options.skipInvalid()).put("revision", revision);
  }

  /** The report for a person reading a terminal. */
  public String toText() {
    return ImportText.render(this, plan, options, rows, revision);
  }

  private static <T> JsonArray samples(List<T> items, Function<T, JsonObject> json) {
    JsonArray out = new JsonArray();
    for (T item : items.subList(0, Math.min(SAMPLES, items.size()))) out.add(json.apply(item));
    return out;
  }

  private static JsonObject rowJson(ImportRow row) {
    return new JsonObject().put("line", row.line).put("external_id", row.externalId)
        .put("username", row.existing != null && row.username == null ? row.existing.username() : row.username)
        .put("email", row.existing != null && row.email == null ? row.existing.email() : row.email);
  }

  private static JsonObject updateJson(ImportPlan.Update update) {
    JsonObject changes = new JsonObject();
    for (ImportPlan.Change ch : update.changes()) {
      changes.put(ch.field(), new JsonObject().put("from", ch.from()).put("to", ch.to()));
    }
    return rowJson(update.row()).put("changes", changes);
  }

  private static JsonObject invalidJson(ImportRow row) {
    JsonArray errors = new JsonArray();
    for (FieldError e : row.errors) errors.add(new JsonObject().put("field", e.field()).put("reason", e.reason()));
    return new JsonObject().put("line", row.line).put("external_id", row.externalId).put("errors", errors);
  }
}
