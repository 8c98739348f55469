package org.provost.provisioning;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** What an import would do, row by row: create, update (with the changes), leave alone, deactivate, reject. */
final class ImportPlan {
  /** One field an update changes. */
  record Change(String field, Object from, Object to) {}

  record Update(ImportRow row, List<Change> changes) {}

  /** An active user with an external id the snapshot file does not list. */
  record Deactivation(long id, String externalId, String username) {}

  final List<ImportRow> creates = new ArrayList<>();
  final List<Update> updates = new ArrayList<>();
  final List<ImportRow> unchanged = new ArrayList<>();
  final List<Deactivation> deactivations;
  final List<ImportRow> invalid = new ArrayList<>();

  private ImportPlan(List<Deactivation> deactivations) {
    this.deactivations = List.copyOf(deactivations);
  }

  /** Sorts the checked rows of {@code file}; {@code missing} are the users a snapshot deactivates. */
  static ImportPlan of(ImportFile file, List<Deactivation> missing) {
    ImportPlan plan = new ImportPlan(missing);
    for (ImportRow row : file.rows) {
      if (!row.valid()) {
        plan.invalid.add(row);
      } else if (row.existing == null) {
        plan.creates.add(row);
      } else {
        List<Change> changes = changes(row, row.existing);
        if (changes.isEmpty()) plan.unchanged.add(row);
        else plan.updates.add(new Update(row, changes));
      }
    }
    return plan;
  }

  private static List<Change> changes(ImportRow row, ImportRow.Existing was) {
    List<Change> out = new ArrayList<>();
    change(out, "username", was.username(), row.username);
    change(out, "email", was.email(), row.email);
    change(out, "display_name", was.displayName(), row.displayName);
    change(out, "type", was.type(), row.type);
    change(out, "department", was.department(), row.department);
    change(out, "active", was.active(), row.active);
    change(out, "verified", was.verified(), row.verified);
    return out;
  }

  private static void change(List<Change> out, String field, Object was, Object wanted) {
    if (wanted != null && !Objects.equals(was, wanted)) out.add(new Change(field, was, wanted));
  }

  /** Users whose sessions must end: those the snapshot deactivates and those a row switches to inactive. */
  List<Long> goingInactive() {
    List<Long> ids = new ArrayList<>();
    for (Deactivation d : deactivations) ids.add(d.id());
    for (Update u : updates) {
      if (u.row().existing.active() && Boolean.FALSE.equals(u.row().active)) ids.add(u.row().existing.id());
    }
    return ids;
  }

  boolean changesAnything() {
    return !creates.isEmpty() || !updates.isEmpty() || !deactivations.isEmpty();
  }
}
