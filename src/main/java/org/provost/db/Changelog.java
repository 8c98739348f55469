package org.provost.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
  /** The write transaction running on this thread ({@link Database#write}), or an idle one outside it. */
  private static final ThreadLocal<Tx> TX = ThreadLocal.withInitial(Tx::new);

  /**
   * What this thread's write transaction has done so far. Under the writer lock no other transaction can
   * record a change, so once the latest revision is read it is kept current here by {@link #record}, and
   * the changes this transaction made are exactly the ones noted here.
   */
  static final class Tx {
    /** A write transaction runs on this thread. */
    boolean active;
    /** It holds the writer lock. */
    boolean locked;
    /** The highest revision it recorded (0: none). */
    long recorded;
    /** How many changes it recorded. */
    int records;
    /** The changelog's latest revision as it knows it once it holds the lock (-1: not read yet). */
    long current = -1;
    /** The latest revision before its first change, when it knew it then (-1: unknown). */
    long base = -1;
    /** A wait for the index to catch up has failed in it: it decides by SQL from then on. */
    boolean indexFailed;
    /** Users whose grants, account or sessions its changes touch. */
    final java.util.Set<Long> touchedUsers = new java.util.HashSet<>();
    /** One of its changes is not about one user (a role, the directory, a bulk load): it touches everyone. */
    boolean touchedAll;

    void note(long revision, Change.Entity entity, long userId) {
      if (records == 0 && locked) base = current;
      records++;
      recorded = Math.max(recorded, revision);
      if (locked) current = Math.max(current, revision);
      boolean aboutOneUser = userId != Change.NO_USER && switch (entity) {
        case USER, GRANT, SESSION, CLIENT -> true;
        default -> false;
      };
      if (aboutOneUser) touchedUsers.add(userId);
      else touchedAll = true;
    }
  }

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
    TX.get().note(revision, entity, userId);
    return revision;
  }

  /** What {@link #recordWith} did: the change's revision, and how many rows the write it describes changed. */
  public record Recorded(long revision, long rows) {}

  /**
   * {@link #record} and the write it describes in ONE statement (one round trip under the writer lock, not
   * two). {@code write} is a data-modifying statement with a {@code RETURNING} clause; it may read the new
   * revision as {@code (SELECT revision FROM r)}. Its parameters follow the change's.
   * <pre>{@code recordWith(c, GRANT, id, REVOKE, user, "DELETE FROM grants WHERE id = ? RETURNING 1", id)}</pre>
   * The change is recorded even when the write changes no row: check {@link Recorded#rows} and throw (which
   * rolls both back) when that is wrong.
   *
   * @param name the statement's name in metrics and slow-query logs ({@code grant.insert})
   */
  public static Recorded recordWith(Connection c, Change.Entity entity, long entityId, Change.Op op, long userId,
      String name, String write, Object... params) throws SQLException {
    RecordedNew r = recordIn(c, entity, "SELECT ?::bigint AS id", new Object[] {entityId}, op, userId, name, write,
        params);
    return new Recorded(r.revision(), r.rows());
  }

  /** What {@link #recordWithNewId} did: the new row's id, the change's revision, and the rows written. */
  public record RecordedNew(long id, long revision, long rows) {}

  /**
   * {@link #recordWith} for a row that takes its id from {@code table}'s serial sequence in the same statement:
   * the id, the change that names it, and the write, in one round trip. {@code write} may read the new id as
   * {@code (SELECT id FROM i)} and the revision as {@code (SELECT revision FROM r)}; its parameters follow the
   * change's. As with {@link #recordWith}, the change is recorded even when the write changes no row.
   *
   * @param table a table with a serial {@code id} column (a constant of the caller, never input)
   * @param name  the statement's name in metrics and slow-query logs ({@code grant.insert})
   */
  public static RecordedNew recordWithNewId(Connection c, Change.Entity entity, String table, Change.Op op,
      long userId, String name, String write, Object... params) throws SQLException {
    return recordIn(c, entity, "SELECT nextval(pg_get_serial_sequence('" + table + "', 'id')) AS id",
        new Object[0], op, userId, name, write, params);
  }

  /**
   * The one statement of {@link #recordWith} and {@link #recordWithNewId}: the entity's id ({@code idSql},
   * one column {@code id}, as CTE {@code i}), its change with NOTIFY ({@code r}, {@code n}) and the write
   * ({@code w}). Parameters in text order: {@code idParams}, the change's, then {@code params}.
   */
  private static RecordedNew recordIn(Connection c, Change.Entity entity, String idSql, Object[] idParams,
      Change.Op op, long userId, String name, String write, Object[] params) throws SQLException {
    lock(c);
    List<Object> all = new ArrayList<>(Arrays.asList(idParams));
    all.add(entity.stored());
    all.add(op.stored());
    all.add(userId == Change.NO_USER ? null : userId);
    all.add(CHANNEL);
    all.addAll(Arrays.asList(params));
    RecordedNew recorded = Jdbc.one(c, Jdbc.named(name, "WITH i AS MATERIALIZED (" + idSql + "),"
        + " r AS (INSERT INTO changelog (entity, entity_id, op, user_id) SELECT ?, i.id::text, ?, ? FROM i"
        + " RETURNING revision), n AS (SELECT pg_notify(?, r.revision::text) FROM r),"
        + " w AS (" + write + ")"
        + " SELECT i.id, r.revision, (SELECT count(*) FROM w), (SELECT count(*) FROM n) FROM i, r"),
        rs -> new RecordedNew(rs.getLong(1), rs.getLong(2), rs.getLong(3)), all.toArray()).orElseThrow();
    TX.get().note(recorded.revision(), entity, userId);
    return recorded;
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
    TX.get().note(revision, Change.Entity.BULK, Change.NO_USER);
    return revision;
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
    Tx tx = TX.get();
    if (tx.active && tx.locked) return; // this write transaction holds it already: no second round trip
    Jdbc.returningLong(c, "SELECT 1 FROM pg_advisory_xact_lock(?)", LOCK_KEY);
    if (tx.active) tx.locked = true;
  }

  /** True while this thread's write transaction holds the writer lock. */
  public static boolean holdsLock() {
    Tx tx = TX.get();
    return tx.active && tx.locked;
  }

  /**
   * Whether this thread's write transaction may wait for the index to catch up with {@link #current}: it
   * holds the writer lock (nothing new can be recorded meanwhile), has recorded nothing itself (its own
   * uncommitted change is a revision no index will apply before it commits: only SQL sees it), and has not
   * already waited in vain (one wait at most per transaction, while it holds everyone's lock).
   */
  public static boolean mayAwaitIndex() {
    Tx tx = TX.get();
    return tx.active && tx.locked && tx.records == 0 && !tx.indexFailed;
  }

  /**
   * For a write transaction that holds the writer lock and has recorded changes about single users only
   * (grants, accounts, sessions, API keys: nothing about roles or the directory): the revision the database
   * stood at before its first change. An index that has applied that revision answers exactly as this
   * transaction would by SQL about every user it has not touched ({@link #touches}); -1 otherwise (SQL
   * decides). This is what lets a group of grants and revokes committed together ({@link GroupCommit}) keep
   * deciding from memory after the group's first change.
   */
  public static long untouchedBase() {
    Tx tx = TX.get();
    return tx.active && tx.locked && tx.records > 0 && !tx.touchedAll && !tx.indexFailed ? tx.base : -1;
  }

  /** True when this thread's write transaction recorded a change to user {@code userId}'s access or sessions. */
  public static boolean touches(long userId) {
    Tx tx = TX.get();
    return tx.active && (tx.touchedAll || tx.touchedUsers.contains(userId));
  }

  /** Notes that a wait for the index failed in this thread's write transaction: it decides by SQL from now. */
  public static void indexDidNotCatchUp() {
    Tx tx = TX.get();
    if (tx.active) tx.indexFailed = true;
  }

  /**
   * The latest revision this connection's transaction can see. Inside a write transaction that holds the
   * writer lock it is read once, then known: nobody else can record a change until this one commits.
   */
  public static long current(Connection c) throws SQLException {
    Tx tx = TX.get();
    boolean locked = tx.active && tx.locked;
    if (locked && tx.current >= 0) return tx.current;
    long revision = Jdbc.one(c, "SELECT coalesce(max(revision), 0) FROM changelog", rs -> rs.getLong(1)).orElse(0L);
    if (locked) tx.current = Math.max(revision, tx.recorded);
    return revision;
  }

  /** Starts tracking the write transaction on this thread; returns the outer state, for {@link #endTracking}. */
  static Tx beginTracking() {
    Tx outer = TX.get();
    Tx tx = new Tx();
    tx.active = true;
    TX.set(tx);
    return outer;
  }

  /** The highest revision recorded since {@link #beginTracking}, then restores the outer state. */
  static long endTracking(Tx outer) {
    long recorded = TX.get().recorded;
    TX.set(outer);
    return recorded;
  }

  /** How many changes this thread's write transaction has recorded so far, and the highest revision. */
  static long[] progress() {
    Tx tx = TX.get();
    return new long[] {tx.records, tx.recorded};
  }
}
