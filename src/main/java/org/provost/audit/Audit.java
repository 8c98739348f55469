package org.provost.audit;

import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.SQLException;
import org.provost.db.BeforeCommit;
import org.provost.db.Jdbc;
import org.provost.http.Principal;
import org.provost.http.RequestIds;
import org.slf4j.MDC;

/**
 * Appends audit events inside the caller's transaction, so an event exists exactly when its change does.
 * Events are numbered in commit order ({@link CommitOrder}), so {@code GET /v1/audit?after=} never skips one.
 * A user acting is recorded by id and by the username the account has at that moment, not the one their
 * session was opened with.
 * Each event records the id of the request that caused it (the logging context's {@code request_id}, set
 * by the HTTP layer and carried onto virtual threads), or null outside a request.
 */
public final class Audit {
  private Audit() {}

  /** Records {@code action} by {@code actor} (null: the system) on {@code targetType:targetId}. */
  public static void record(Connection c, Principal actor, String action, String targetType, Object targetId,
      JsonObject before, JsonObject after) throws SQLException {
    record(c, actor == null ? null : actor.actorUserId(), actor == null ? "system" : actor.auditName(), action,
        targetType, targetId, before, after);
  }

  /**
   * Records an event by user {@code actorId} (their current username is recorded; {@code actorName} only if
   * the account no longer exists), or, when {@code actorId} is null, by {@code actorName}.
   */
  public static void record(Connection c, Long actorId, String actorName, String action, String targetType,
      Object targetId, JsonObject before, JsonObject after) throws SQLException {
    Row row = new Row(actorId, actorName, action, targetType, String.valueOf(targetId),
        before == null ? null : before.encode(), after == null ? null : after.encode(), MDC.get(RequestIds.MDC_KEY));
    if (BeforeCommit.available()) {
      // a grouped write (grants, revokes): the group's events go in together, in order, just before it commits
      BeforeCommit.state(Audit.class, java.util.ArrayList<Row>::new, Audit::insertAll).add(row);
      BeforeCommit.added();
      return;
    }
    Jdbc.update(c, """
        /* audit.insert */ WITH ordered AS (SELECT pg_advisory_xact_lock(?))
        INSERT INTO audit_events (actor_id, actor, action, target_type, target_id, before, after, request_id)
        SELECT ?::bigint, coalesce((SELECT u.username FROM users u WHERE u.id = ?::bigint), ?), ?, ?, ?,
               ?::jsonb, ?::jsonb, ?
        FROM ordered""",
        CommitOrder.LOCK_KEY, row.actorId(), row.actorId(), row.actorName(), row.action(), row.targetType(),
        row.targetId(), row.before(), row.after(), row.requestId());
  }

  /** One event, as its columns. */
  private record Row(Long actorId, String actorName, String action, String targetType, String targetId,
      String before, String after, String requestId) {}

  /** Several events in one statement, numbered in the order given. */
  private static void insertAll(Connection c, java.util.List<Row> rows) throws SQLException {
    if (rows.isEmpty()) return;
    int n = rows.size();
    Long[] actorIds = new Long[n];
    String[][] text = new String[7][n];
    for (int i = 0; i < n; i++) {
      Row r = rows.get(i);
      actorIds[i] = r.actorId();
      text[0][i] = r.actorName();
      text[1][i] = r.action();
      text[2][i] = r.targetType();
      text[3][i] = r.targetId();
      text[4][i] = r.before();
      text[5][i] = r.after();
      text[6][i] = r.requestId();
    }
    Jdbc.update(c, """
        /* audit.insert_group */ WITH ordered AS (SELECT pg_advisory_xact_lock(?))
        INSERT INTO audit_events (actor_id, actor, action, target_type, target_id, before, after, request_id)
        SELECT e.actor_id, coalesce(u.username, e.actor), e.action, e.target_type, e.target_id, e.before::jsonb,
               e.after::jsonb, e.request_id
        FROM ordered, unnest(?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
          WITH ORDINALITY AS e(actor_id, actor, action, target_type, target_id, before, after, request_id, n)
        LEFT JOIN users u ON u.id = e.actor_id
        ORDER BY e.n""", CommitOrder.LOCK_KEY, actorIds, text[0], text[1], text[2], text[3], text[4], text[5],
        text[6]);
  }
}
