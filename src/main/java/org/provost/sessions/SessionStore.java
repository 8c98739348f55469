package org.provost.sessions;

import java.util.List;
import java.util.Optional;

/**
 * Where sessions are recorded: one small interface with an in-process ({@link LocalSessionStore}), a
 * PostgreSQL ({@link PostgresSessionStore}, the durable record) and a Redis ({@link RedisSessionStore})
 * backend, plus the write-through pairing that serves with Redis ({@link TieredSessionStore}). Every backend
 * passes one contract suite ({@code SessionStoreContract}, after OpenFGA's and SpiceDB's shared datastore
 * tests).
 *
 * <p>A session is known only by the SHA-256 of its opaque token ({@code tokenHash}, 32 bytes); the token
 * itself is never stored. Times are epoch milliseconds of the caller's clock. A session is live at
 * {@code now} while it has not been ended, {@code now < expiresAt} (the absolute lifetime) and
 * {@code now - lastSeen <= idle} (the sliding idle timeout, the backend's own, given at construction).
 * Backends that cannot fail (memory) never throw; the others throw {@link RuntimeException}s of their
 * driver when their server cannot be reached.
 */
public interface SessionStore {
  /**
   * One session as recorded.
   *
   * @param id positive, unique within the backend
   * @param username the user's username when the session was created or last loaded (audit names it)
   */
  record Session(long id, long userId, String username, long createdAt, long lastSeen, long expiresAt) {
    /** The same session, last used at {@code seen}. */
    public Session seenAt(long seen) {
      return new Session(id, userId, username, createdAt, seen, expiresAt);
    }
  }

  /** Records a new session of {@code userId}, seen at {@code now}, ending at {@code expiresAt}; returns its id. */
  long create(byte[] tokenHash, long userId, String username, long now, long expiresAt);

  /** The live session whose token hashes to {@code tokenHash}, or empty (unknown, ended, expired, idle). */
  Optional<Session> find(byte[] tokenHash, long now);

  /** Moves the session's idle clock to {@code now} (never back). Unknown or ended sessions are ignored. */
  void touch(byte[] tokenHash, long sessionId, long now);

  /** Ends one session of {@code userId}; returns whether it was live (false: unknown or already ended). */
  boolean end(long sessionId, long userId);

  /** Ends every session of {@code userId} except {@code keepSessionId} (0: keep none). */
  void endAll(long userId, long keepSessionId);

  /** The sessions of {@code userId} live at {@code now}, oldest first. */
  List<Session> live(long userId, long now);
}
