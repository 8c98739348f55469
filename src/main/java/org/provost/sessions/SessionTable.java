package org.provost.sessions;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import org.provost.db.Changelog;
import org.provost.db.Jdbc;
import org.provost.feed.Change;

/**
 * The one writer of the {@code sessions} table (PostgreSQL, inside the caller's transaction). Every way a
 * session ends records a change, so every instance drops it from memory: {@code session/revoke} for one,
 * {@code user/end_sessions} or {@code user/deactivate} for all of a user's.
 */
public final class SessionTable {
  private SessionTable() {}

  /** A new session row; returns its id. Only the token's SHA-256 is stored. */
  static long insert(Connection c, byte[] tokenHash, long userId, Instant now, Instant expires) throws SQLException {
    return Jdbc.returningLong(c, """
        INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at)
        VALUES (?, ?, ?, ?, ?) RETURNING id""", tokenHash, userId, now, now, expires);
  }

  /** Ends one session (logout); returns the revision, or 0 when it had already ended. */
  static long revoke(Connection c, long sessionId, long userId) throws SQLException {
    int n = Jdbc.update(c, "UPDATE sessions SET revoked_at = now() WHERE id = ? AND revoked_at IS NULL", sessionId);
    return n == 0 ? 0 : Changelog.record(c, Change.Entity.SESSION, sessionId, Change.Op.REVOKE, userId);
  }

  /**
   * Ends every session of {@code userId} except {@code keepSessionId} (0: keep none) and records
   * {@code user/end_sessions}; returns that revision.
   */
  public static long endAll(Connection c, long userId, long keepSessionId) throws SQLException {
    Jdbc.update(c, "UPDATE sessions SET revoked_at = now() WHERE user_id = ? AND id <> ? AND revoked_at IS NULL",
        userId, keepSessionId);
    return Changelog.recordUser(c, userId, Change.Op.END_SESSIONS);
  }

  /** Deactivation: ends every session of the user and records {@code user/deactivate}; returns its revision. */
  public static long deactivate(Connection c, long userId) throws SQLException {
    Jdbc.update(c, "UPDATE sessions SET revoked_at = now() WHERE user_id = ? AND revoked_at IS NULL", userId);
    return Changelog.recordUser(c, userId, Change.Op.DEACTIVATE);
  }

  /**
   * Deactivation of many users at once (imports): ends their sessions; only users who had a live one get
   * their own {@code user/deactivate} change (the import's bulk change reloads everything else).
   */
  public static void deactivateAll(Connection c, List<Long> userIds) throws SQLException {
    endMany(c, userIds, Change.Op.DEACTIVATE);
  }

  /**
   * Ends every session of many users at once (an import re-issuing accounts); only users who had a live one
   * get their own {@code user/end_sessions} change.
   */
  public static void endAllOf(Connection c, List<Long> userIds) throws SQLException {
    endMany(c, userIds, Change.Op.END_SESSIONS);
  }

  private static void endMany(Connection c, List<Long> userIds, Change.Op op) throws SQLException {
    if (userIds.isEmpty()) return;
    List<Long> withSessions = Jdbc.list(c, """
        WITH revoked AS (
          UPDATE sessions SET revoked_at = now() WHERE user_id = ANY (?) AND revoked_at IS NULL RETURNING user_id)
        SELECT DISTINCT user_id FROM revoked ORDER BY user_id""", rs -> rs.getLong(1),
        (Object) userIds.toArray(Long[]::new));
    for (long id : withSessions) Changelog.recordUser(c, id, op);
  }

  /** The user's sessions that have not ended: id, created_at, last_seen_at, expires_at (RFC 3339). */
  public static List<io.vertx.core.json.JsonObject> live(Connection c, long userId) throws SQLException {
    return Jdbc.list(c, """
        SELECT id, created_at, last_seen_at, expires_at FROM sessions
        WHERE user_id = ? AND revoked_at IS NULL AND expires_at > now() ORDER BY id""",
        rs -> new io.vertx.core.json.JsonObject().put("id", rs.getLong(1))
            .put("created_at", rs.getTimestamp(2).toInstant().toString())
            .put("last_seen_at", rs.getTimestamp(3).toInstant().toString())
            .put("expires_at", rs.getTimestamp(4).toInstant().toString()), userId);
  }

  /** Moves a session's idle clock forward (never back). */
  static void touch(Connection c, long sessionId, Instant seen) throws SQLException {
    Jdbc.update(c, "UPDATE sessions SET last_seen_at = ? WHERE id = ? AND last_seen_at < ?", seen, sessionId, seen);
  }
}
