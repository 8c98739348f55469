package org.provost.provisioning;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.provost.db.Jdbc;

/**
 * One audit event per user an import creates ({@code user.create}), changes ({@code user.update}) or
 * deactivates ({@code user.deactivate}), with the user before and after in the shape {@code GET /v1/users/{id}}
 * answers, and {@code after.import = {revision, source}} naming the import (its revision is also in the
 * {@code import.run} summary event). Written set-based: the users about to change are copied as JSON into a
 * temporary table before the writes, and every event is one {@code INSERT ... SELECT} after them.
 */
final class ImportAudit {
  private static final String USER_JSON = """
      jsonb_build_object('id', u.id, 'username', u.username, 'email', u.email, 'display_name', u.display_name,
        'type', u.type, 'department', d.code, 'external_id', u.external_id, 'active', u.is_active,
        'verified', u.is_verified,
        'created_at', to_char(u.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        'updated_at', to_char(u.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))""";

  private ImportAudit() {}

  /** Keeps the users {@code plan} updates or deactivates as they are now. Call before writing. */
  static void before(Connection c, ImportPlan plan) throws SQLException {
    Jdbc.update(c, "CREATE TEMP TABLE import_before ON COMMIT DROP AS SELECT u.id, " + USER_JSON + " AS before"
        + " FROM users u LEFT JOIN departments d ON d.id = u.department_id WHERE u.id = ANY (?)",
        (Object) changing(plan).toArray(Long[]::new));
  }

  /** Writes the events; call after the writes, inside the import's transaction (which holds the commit-order lock). */
  static void record(Connection c, ImportPlan plan, Importer.Actor actor, long revision) throws SQLException {
    Long[] deactivated = plan.deactivations.stream().map(ImportPlan.Deactivation::id).toArray(Long[]::new);
    Jdbc.update(c, """
        WITH touched (id, action) AS (
          SELECT u.id, 'user.create' FROM import_apply a JOIN users u ON u.external_id = a.external_id
          WHERE a.user_id IS NULL
          UNION ALL SELECT a.user_id, 'user.update' FROM import_apply a WHERE a.user_id IS NOT NULL
          UNION ALL SELECT unnest(?::bigint[]), 'user.deactivate')
        INSERT INTO audit_events (actor_id, actor, action, target_type, target_id, before, after)
        SELECT ?::bigint, coalesce((SELECT x.username FROM users x WHERE x.id = ?::bigint), ?), t.action, 'user',
               t.id::text, b.before,
               %s || jsonb_build_object('import', jsonb_build_object('revision', ?::bigint, 'source', ?::text))
        FROM touched t JOIN users u ON u.id = t.id LEFT JOIN departments d ON d.id = u.department_id
        LEFT JOIN import_before b ON b.id = t.id
        ORDER BY t.id""".formatted(USER_JSON),
        deactivated, actor.userId(), actor.userId(), actor.name(), revision, actor.source());
  }

  private static List<Long> changing(ImportPlan plan) {
    List<Long> ids = new ArrayList<>();
    for (ImportPlan.Update u : plan.updates) ids.add(u.row().existing.id());
    for (ImportPlan.Deactivation d : plan.deactivations) ids.add(d.id());
    return ids;
  }
}
