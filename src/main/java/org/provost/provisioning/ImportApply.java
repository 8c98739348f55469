package org.provost.provisioning;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.provost.audit.CommitOrder;
import org.provost.db.Changelog;
import org.provost.db.Jdbc;
import org.provost.sessions.PostgresSessionStore;

/**
 * Writes an import plan with a handful of set-based statements: the rows to create or update go through
 * one COPY into a temporary table, then one INSERT and one UPDATE; deactivations are one UPDATE, and the
 * deactivated users' sessions end through {@link PostgresSessionStore}, as when an administrator deactivates one.
 */
final class ImportApply {
  private ImportApply() {}

  /**
   * Applies {@code plan}; returns the revision at which the whole import becomes visible. Each user created,
   * changed or deactivated gets its own audit event ({@link ImportAudit}), written in one statement.
   */
  static long apply(Connection c, ImportPlan plan, Importer.Actor actor) throws SQLException {
    CommitOrder.lock(c); // user change numbers and audit ids are taken in commit order
    ImportAudit.before(c, plan);
    Seeder.execute(c, """
        CREATE TEMP TABLE import_apply (line int, user_id bigint, external_id text, username text, email text,
                                        username_key text, email_key text, display_name text, type text, department_id bigint, active boolean,
                                        verified boolean) ON COMMIT DROP""");
    try (CopyRows rows = CopyRows.into(c, "import_apply",
        "line, user_id, external_id, username, email, username_key, email_key, display_name, type, department_id, "
            + "active, verified")) {
      for (ImportRow row : plan.creates) copy(rows, row, null);
      for (ImportPlan.Update update : plan.updates) copy(rows, update.row(), update.row().existing.id());
      rows.finish();
    }
    Jdbc.update(c, """
        INSERT INTO users (username, email, username_key, email_key, display_name, type, department_id,
                           external_id, is_active, is_verified)
        SELECT username, email, username_key, email_key, coalesce(display_name, ''), type, department_id, external_id,
               coalesce(active, TRUE), coalesce(verified, FALSE)
        FROM import_apply WHERE user_id IS NULL ORDER BY line""");
    // an account the SIS gives another identity (username or email) is re-issued: its password and sessions
    // end, so whoever set that password before (say, someone who made a placeholder carrying a future hire's
    // external_id) cannot log in as the person the SIS now says it is
    List<Long> reidentified = Jdbc.list(c, """
        SELECT u.id FROM users u JOIN import_apply a ON a.user_id = u.id
        WHERE (a.username_key IS NOT NULL AND a.username_key <> u.username_key)
           OR (a.email_key IS NOT NULL AND a.email_key <> u.email_key)""", rs -> rs.getLong(1));
    if (!reidentified.isEmpty()) {
      Jdbc.update(c, "UPDATE users SET password_hash = NULL WHERE id = ANY (?)",
          (Object) reidentified.toArray(Long[]::new));
      PostgresSessionStore.endAllOf(c, reidentified);
    }
    Jdbc.update(c, """
        UPDATE users u SET username = coalesce(a.username, u.username), email = coalesce(a.email, u.email),
               username_key = coalesce(a.username_key, u.username_key),
               email_key = coalesce(a.email_key, u.email_key),
               display_name = coalesce(a.display_name, u.display_name), type = coalesce(a.type, u.type),
               department_id = coalesce(a.department_id, u.department_id),
               is_active = coalesce(a.active, u.is_active), is_verified = coalesce(a.verified, u.is_verified),
               updated_at = now(), change_seq = nextval('users_change_seq')
        FROM import_apply a WHERE a.user_id IS NOT NULL AND u.id = a.user_id""");
    Long[] missing = plan.deactivations.stream().map(ImportPlan.Deactivation::id).toArray(Long[]::new);
    if (missing.length > 0) {
      Jdbc.update(c, "UPDATE users SET is_active = FALSE, updated_at = now(), change_seq = nextval('users_change_seq')"
          + " WHERE id = ANY (?) AND is_active",
          (Object) missing);
    }
    PostgresSessionStore.deactivateAll(c, plan.goingInactive());
    long revision = Changelog.recordBulk(c, "import");
    ImportAudit.record(c, plan, actor, revision);
    return revision;
  }

  private static void copy(CopyRows rows, ImportRow row, Long userId) throws SQLException {
    rows.number(row.line).number(userId).text(row.externalId).text(row.username).text(row.email)
        .text(row.usernameKey()).text(row.emailKey()).text(row.displayName).text(row.type)
        .number(row.departmentId).bool(row.active).bool(row.verified).endRow();
  }

}
