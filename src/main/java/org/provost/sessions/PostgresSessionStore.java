package org.provost.sessions;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.provost.db.Changelog;
import org.provost.db.Database;
import org.provost.db.Jdbc;
import org.provost.feed.Change;

/**
 * The {@code sessions} table, PostgreSQL's {@link SessionStore} and the durable record of every session: the
 * one writer of that table. Other features that end sessions inside their own transaction (deactivation,
 * password reset, an import re-issuing accounts) call the static forms here with their connection, so the
 * sessions end in the same commit as the change that ends them. Every way a session ends records a change,
 * so every instance drops it from memory: {@code session/revoke} for one, {@code user/end_sessions} or
 * {@code user/deactivate} for all of a user's. A session of a deactivated user is never found.
 */
public final class PostgresSessionStore implements SessionStore {
  private final Database db;
  private final long idleMillis;

  /**
   * @param idleMillis how long since {@code last_seen_at} a session stays live; callers that write
   *     {@code last_seen_at} lazily pass the idle timeout plus their write interval
   */
  public PostgresSessionStore(Database db, long idleMillis) {
    this.db = db;
    this.idleMillis = idleMillis;
  }

  @Override
  public long create(byte[] tokenHash, long userId, String username, long now, long expiresAt) {
    return db.write(c -> insert(c, tokenHash, userId, Instant.ofEpochMilli(now), Instant.ofEpochMilli(expiresAt)));
  }

  @Override
  public Optional<Session> find(byte[] tokenHash, long now) {
    // through the fill pool: a token's first sight serves the memory lane, never waits behind the SQL lane
    return db.fill(c -> Jdbc.one(c, """
        SELECT s.id, s.user_id, u.username, s.created_at, s.last_seen_at, s.expires_at
        FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.token_hash = ? AND s.revoked_at IS NULL AND u.is_active""", PostgresSessionStore::session,
        (Object) tokenHash)).filter(s -> now < s.expiresAt() && now - s.lastSeen() <= idleMillis);
  }

  private static Session session(java.sql.ResultSet rs) throws SQLException {
    return new Session(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getTimestamp(4).getTime(),
        rs.getTimestamp(5).getTime(), rs.getTimestamp(6).getTime());
  }

  @Override
  public void touch(byte[] tokenHash, long sessionId, long now) {
    db.write(c -> {
      touch(c, sessionId, Instant.ofEpochMilli(now));
      return null;
    });
  }

  @Override
  public boolean end(long sessionId, long userId) {
    return db.write(c -> revoke(c, sessionId, userId)) != 0;
  }

  @Override
  public void endAll(long userId, long keepSessionId) {
    db.write(c -> endAll(c, userId, keepSessionId));
  }

  @Override
  public List<Session> live(long userId, long now) {
    return db.readPrimary(c -> Jdbc.list(c, """
        SELECT s.id, s.user_id, u.username, s.created_at, s.last_seen_at, s.expires_at
        FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.user_id = ? AND s.revoked_at IS NULL AND u.is_active AND s.expires_at > ? AND s.last_seen_at >= ?
        ORDER BY s.id""", PostgresSessionStore::session, userId, Instant.ofEpochMilli(now),
        Instant.ofEpochMilli(now - idleMillis)));
  }

  /** A new session row (in the caller's transaction); returns its id. Only the token's SHA-256 is stored. */
  static long insert(Connection c, byte[] tokenHash, long userId, Instant now, Instant expires) throws SQLException {
    return Jdbc.returningLong(c, """
        INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at)
        VALUES (?, ?, ?, ?, ?) RETURNING id""", tokenHash, userId, now, now, expires);
  }

  /**
   * Ends one session of {@code userId} (logout, or an administrator ending it), in the caller's transaction;
   * returns the revision, or 0 when no live session of that user has that id.
   */
  public static long revoke(Connection c, long sessionId, long userId) throws SQLException {
    int n = Jdbc.update(c, "UPDATE sessions SET revoked_at = now() WHERE id = ? AND user_id = ? AND revoked_at IS NULL",
        sessionId, userId);
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
