package org.provost.db;

import java.sql.Connection;
import java.sql.SQLException;
import org.provost.feed.Change;

/**
 * The change feed's write side. Every write that can change an authorization answer or a session calls
 * {@link #record} inside its own transaction; the returned revision is the one at which the change is
 * visible, and the NOTIFY is delivered to listeners only when that transaction commits. {@link Database}
 * notes the last revision a transaction recorded, so that after commit it can wait until this instance has
 * applied it (a deactivation or revoke holds on the instance that answered before the answer is sent).
 */
public final class Changelog {
  public static final String CHANNEL = "provost_changes";
  /** The writer lock's key, {@code "provost"}; feeds that number rows in commit order share it. */
  public static final long LOCK_KEY = 0x70726f766f7374L;
  /**
   * The write transaction running on this thread ({@link Database#write}): {@code [0]} the highest revision
   * it recorded (0: none), {@code [1]} 1 while one runs, {@code [2]} 1 once it holds the writer lock,
   * {@code [3]} the changelog's latest revision as this transaction knows it once it holds the lock (-1: not
   * read yet). Under the lock no other transaction can record a change, so it is read once and then kept
   * current by {@link #record}; {@code [4]} 1 once a wait for the index to catch up has failed in it.
   */
  private static final ThreadLocal<long[]> RECORDED = ThreadLocal.withInitial(() -> new long[] {0, 0, 0, -1, 0});

  private Changelog() {}

  /**
   * Appends one change and returns its revision. Takes the changelog's writer lock first (held until the
   * transaction ends), so revisions become visible in the order they were taken: a reader that has applied
   * revision N has seen every change numbered below N.
   *
   * @param entityId the changed row's id (0 for {@link Change.Entity#BULK})
   * @param userId the user whose access or sessions change, or {@link Change#NO_USER}
   */
  public static long record(Connection c, Change.Entity entity, long entityId, Change.Op op, long userId)
      throws SQLException {
    lock(c);
    // the row and its NOTIFY in one statement (one round trip under the writer lock, not two)
    long revision = Jdbc.returningLong(c, """
        /* changelog.record */ WITH r AS (INSERT INTO changelog (entity, entity_id, op, user_id)
          VALUES (?, ?, ?, ?) RETURNING revision)
        SELECT revision FROM r, pg_notify(?, r.revision::text)""",
        entity.stored(), String.valueOf(entityId), op.stored(), userId == Change.NO_USER ? null : userId, CHANNEL);
    return recorded(revision);
  }

  private static long recorded(long revision) {
    long[] mine = RECORDED.get();
    mine[0] = Math.max(mine[0], revision);
    if (mine[2] == 1) mine[3] = Math.max(mine[3], revision);
    return revision;
  }

  /**
   * Rows written in bulk behind the feed's back: every instance reloads everything.
   *
   * @param source what wrote them ({@code seed}, {@code import}), kept as the row's entity_id for operators
   */
  public static long recordBulk(Connection c, String source) throws SQLException {
    lock(c);
    long revision = Jdbc.returningLong(c, """
        /* changelog.record_bulk */ WITH r AS (INSERT INTO changelog (entity, entity_id, op) VALUES (?, ?, ?)
          RETURNING revision)
        SELECT revision FROM r, pg_notify(?, r.revision::text)""",
        Change.Entity.BULK.stored(), source, Change.Op.RELOAD.stored(), CHANNEL);
    return recorded(revision);
  }

  /** A change about a user's own row (create, update, deactivate, end sessions). */
  public static long recordUser(Connection c, long userId, Change.Op op) throws SQLException {
    return record(c, Change.Entity.USER, userId, op, userId);
  }

  /**
   * Takes the changelog's writer lock until the transaction ends (re-entrant). Authority checks of a write
   * take it before they read who holds what, so no grant or revoke can commit between the check and the
   * write it allows.
   */
  public static void lock(Connection c) throws SQLException {
    long[] mine = RECORDED.get();
    if (mine[1] == 1 && mine[2] == 1) return; // this write transaction holds it already: no second round trip
    Jdbc.returningLong(c, "SELECT 1 FROM pg_advisory_xact_lock(?)", LOCK_KEY);
    if (mine[1] == 1) mine[2] = 1;
  }

  /** True while this thread's write transaction holds the writer lock. */
  public static boolean holdsLock() {
    long[] mine = RECORDED.get();
    return mine[1] == 1 && mine[2] == 1;
  }

  /**
   * Whether this thread's write transaction may wait for the index to catch up with {@link #current}: it
   * holds the writer lock (nothing new can be recorded meanwhile), has recorded nothing itself (its own
   * uncommitted change is a revision no index will apply before it commits: only SQL sees it), and has not
   * already waited in vain (one wait at most per transaction, while it holds everyone's lock).
   */
  public static boolean mayAwaitIndex() {
    long[] mine = RECORDED.get();
    return mine[1] == 1 && mine[2] == 1 && mine[0] == 0 && mine[4] == 0;
  }

  /** Notes that a wait for the index failed in this thread's write transaction: it decides by SQL from now. */
  public static void indexDidNotCatchUp() {
    long[] mine = RECORDED.get();
    if (mine[1] == 1) mine[4] = 1;
  }

  /**
   * The latest revision this connection's transaction can see. Inside a write transaction that holds the
   * writer lock it is read once, then known: nobody else can record a change until this one commits.
   */
  public static long current(Connection c) throws SQLException {
    long[] mine = RECORDED.get();
    boolean locked = mine[1] == 1 && mine[2] == 1;
    if (locked && mine[3] >= 0) return mine[3];
    long revision = Jdbc.one(c, "SELECT coalesce(max(revision), 0) FROM changelog", rs -> rs.getLong(1)).orElse(0L);
    if (locked) mine[3] = Math.max(revision, mine[0]);
    return revision;
  }

  /** Starts tracking the write transaction on this thread; returns the outer state, for {@link #endTracking}. */
  static long[] beginTracking() {
    long[] mine = RECORDED.get();
    long[] outer = mine.clone();
    mine[0] = 0;
    mine[1] = 1;
    mine[2] = 0;
    mine[3] = -1;
    mine[4] = 0;
    return outer;
  }

  /** The highest revision recorded since {@link #beginTracking}, then restores the outer state. */
  static long endTracking(long[] outer) {
    long[] mine = RECORDED.get();
    long recorded = mine[0];
    System.arraycopy(outer, 0, mine, 0, mine.length);
    return recorded;
  }
}
