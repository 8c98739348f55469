package org.provost.provisioning;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.provost.audit.Audit;
import org.provost.authz.Authority;
import org.provost.error.ServiceException;
import org.provost.db.Jdbc;

/**
 * Runs an SIS import inside the caller's transaction: checks every row against the database (departments,
 * the users external ids match, usernames and emails other users hold), plans, and applies the plan only
 * when it is not a dry run and no row is invalid (or invalid rows are to be skipped). Imports take a lock,
 * so two never interleave.
 */
public final class Importer {
  private static final long LOCK_KEY = 0x696d706f7274L; // "import"

  /** {@code provost import} flags, and the query parameters of {@code POST /v1/imports}. */
  public record Options(boolean dryRun, boolean snapshot, boolean skipInvalid) {}

  /**
   * Who runs the import, as the audit log names them, what they imported (a file name, or the route), and
   * which existing accounts they may not change.
   */
  public record Actor(Long userId, String name, String source, AccountGuard guard) {
    /** An actor with full authority: {@code provost import}, run on the host with the database's keys. */
    public Actor(Long userId, String name, String source) {
      this(userId, name, source, AccountGuard.HOST);
    }
  }

  /**
   * The authority rule for imports: the users among {@code userIds} whom the actor may not change, each
   * with the reason (see {@code Authority#outranking}).
   */
  public interface AccountGuard {
    /** The host's own tools may change anyone. */
    AccountGuard HOST = new AccountGuard() {
      @Override
      public void authorize(Connection c) { }

      @Override
      public Map<Long, String> outranking(Connection c, Collection<Long> userIds) {
        return Map.of();
      }
    };

    /**
     * Throws when the actor may not import at all. Called inside the import's transaction, after its lock,
     * so a right revoked while the import waited is seen.
     */
    void authorize(Connection c) throws SQLException;

    Map<Long, String> outranking(Connection c, Collection<Long> userIds) throws SQLException;
  }

  private Importer() {}

  public static ImportReport run(Connection c, ImportFile file, Options options, Actor actor) throws SQLException {
    Jdbc.returningLong(c, "SELECT 1 FROM pg_advisory_xact_lock(?)", LOCK_KEY);
    actor.guard().authorize(c);
    resolveDepartments(c, file);
    copyKeys(c, file);
    matchExisting(c, file);
    rejectClashes(c, file);
    requireNewUserFields(file);
    List<ImportPlan.Deactivation> missing = options.snapshot() ? Jdbc.list(c, """
        SELECT u.id, u.external_id, u.username FROM users u
        WHERE u.external_id IS NOT NULL AND u.is_active
          AND NOT EXISTS (SELECT 1 FROM import_keys k WHERE k.external_id = u.external_id)
        ORDER BY u.id""", rs -> new ImportPlan.Deactivation(rs.getLong(1), rs.getString(2), rs.getString(3)))
        : List.of();
    ImportPlan plan = ImportPlan.of(file, missing);
    if (refuseOutranked(c, actor.guard(), plan)) plan = ImportPlan.of(file, missing);
    boolean apply = !options.dryRun() && (plan.invalid.isEmpty() || options.skipInvalid());
    long admins = apply ? Authority.activeAdmins(c, Instant.now()) : 0;
    Long revision = apply && plan.changesAnything() ? ImportApply.apply(c, plan, actor) : null;
    if (revision != null) Authority.requireAdminRemains(c, admins, Instant.now());
    ImportReport report = new ImportReport(file.size(), plan, options, apply, revision);
    if (apply) {
      Audit.record(c, actor.userId(), actor.name(), "import.run", "import", actor.source(), null,
          report.auditSummary());
    }
    return report;
  }

  /**
   * Marks each row that would change a user the actor may not change (field {@code external_id}), and
   * refuses the whole import (403 {@code outranked}) when its snapshot would deactivate one. True when a
   * row was marked, so the plan must be made again.
   */
  private static boolean refuseOutranked(Connection c, AccountGuard guard, ImportPlan plan) throws SQLException {
    List<Long> ids = new ArrayList<>();
    for (ImportPlan.Update u : plan.updates) ids.add(u.row().existing.id());
    for (ImportPlan.Deactivation d : plan.deactivations) ids.add(d.id());
    Map<Long, String> outranked = guard.outranking(c, ids);
    if (outranked.isEmpty()) return false;
    for (ImportPlan.Deactivation d : plan.deactivations) {
      String why = outranked.get(d.id());
      if (why != null) {
        throw new ServiceException.Forbidden("outranked", "this snapshot would deactivate user " + d.id() + " ("
            + d.username() + "), whom you may not change: " + why);
      }
    }
    for (ImportPlan.Update u : plan.updates) {
      String why = outranked.get(u.row().existing.id());
      if (why != null) {
        u.row().error("external_id", "matches user " + u.row().existing.id() + ", whom you may not change: " + why);
      }
    }
    return true;
  }

  private static void resolveDepartments(Connection c, ImportFile file) throws SQLException {
    if (!file.columns.contains("department")) return;
    Map<String, Long> ids = new HashMap<>();
    Jdbc.list(c, "SELECT code, id FROM departments", rs -> ids.put(rs.getString(1), rs.getLong(2)));
    for (ImportRow row : file.rows) {
      if (row.department == null) continue;
      row.departmentId = ids.get(row.department);
      if (row.departmentId == null) {
        row.error("department", "no department has code " + ImportFile.shown(row.department));
      }
    }
  }

  /** Every row's keys in a temporary table, so the database can match them in bulk. */
  private static void copyKeys(Connection c, ImportFile file) throws SQLException {
    Seeder.execute(c, """
        CREATE TEMP TABLE import_keys (line int, external_id text, username_key text, email_key text)
        ON COMMIT DROP""");
    try (CopyRows rows = CopyRows.into(c, "import_keys", "line, external_id, username_key, email_key")) {
      for (ImportRow row : file.rows) {
        if (row.externalId == null) continue;
        rows.number(row.line).text(row.externalId).text(row.usernameKey()).text(row.emailKey()).endRow();
      }
      rows.finish();
    }
    Seeder.execute(c, "ANALYZE import_keys");
  }

  private static void matchExisting(Connection c, ImportFile file) throws SQLException {
    Map<String, ImportRow.Existing> byExternalId = new HashMap<>();
    Jdbc.list(c, """
        SELECT DISTINCT u.external_id, u.id, u.username, u.email, u.display_name, u.type, d.code, u.is_active,
               u.is_verified
        FROM import_keys k JOIN users u ON u.external_id = k.external_id
        LEFT JOIN departments d ON d.id = u.department_id""",
        rs -> byExternalId.put(rs.getString(1), new ImportRow.Existing(rs.getLong(2), rs.getString(3),
            rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getBoolean(8),
            rs.getBoolean(9))));
    for (ImportRow row : file.rows) {
      if (row.externalId != null) row.existing = byExternalId.get(row.externalId);
    }
  }

  /** A username or email another user holds (one with a different external id, or none) cannot be taken. */
  private static void rejectClashes(Connection c, ImportFile file) throws SQLException {
    Map<Integer, ImportRow> byLine = new HashMap<>();
    for (ImportRow row : file.rows) byLine.put(row.line, row);
    String[][] keys = {{"username", "u.username_key = k.username_key"},
        {"email", "u.email_key = k.email_key"}};
    for (String[] key : keys) {
      Jdbc.list(c, """
          SELECT k.line, u.id, u.username, u.external_id FROM import_keys k JOIN users u ON %s
          WHERE u.external_id IS DISTINCT FROM k.external_id""".formatted(key[1]), rs -> {
            String holder = "user " + rs.getLong(2) + " (" + rs.getString(3) + ", "
                + (rs.getString(4) == null ? "no external_id" : "external_id " + rs.getString(4)) + ")";
            byLine.get(rs.getInt(1)).error(key[0], "is already used by " + holder);
            return null;
          });
    }
  }

  private static void requireNewUserFields(ImportFile file) {
    for (ImportRow row : file.rows) {
      if (row.existing != null || row.externalId == null || row.hasError("row")) continue;
      required(row, "username", row.username);
      required(row, "email", row.email);
      required(row, "type", row.type);
    }
  }

  private static void required(ImportRow row, String field, String value) {
    if (value == null && !row.hasError(field)) row.error(field, "is required for a new user");
  }
}
