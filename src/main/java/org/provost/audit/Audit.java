package org.provost.audit;

import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.SQLException;
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
    Jdbc.update(c, """
        /* audit.insert */ WITH ordered AS (SELECT pg_advisory_xact_lock(?))
        INSERT INTO audit_events (actor_id, actor, action, target_type, target_id, before, after, request_id)
        SELECT ?::bigint, coalesce((SELECT u.username FROM users u WHERE u.id = ?::bigint), ?), ?, ?, ?,
               ?::jsonb, ?::jsonb, ?
        FROM ordered""",
        CommitOrder.LOCK_KEY, actorId, actorId, actorName, action, targetType, String.valueOf(targetId),
        before == null ? null : before.encode(), after == null ? null : after.encode(), MDC.get(RequestIds.MDC_KEY));
  }
}
