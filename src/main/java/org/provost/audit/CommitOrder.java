package org.provost.audit;

import java.sql.Connection;
import java.sql.SQLException;
import org.provost.db.Changelog;

/**
 * Commit order for the feeds a reader follows by cursor (audit events, user changes): a writer takes this
 * transaction lock before it numbers a row, and holds it until commit, so a row's number is only ever taken
 * after every lower number has committed (or rolled back). It is the changelog's own lock key
 * ({@code db.Changelog}), so a transaction that also records a revision takes no second lock and no new
 * lock order exists. The lock is re-entrant within a transaction.
 */
public final class CommitOrder {
  /** The key of {@link Changelog}'s lock. */
  public static final long LOCK_KEY = Changelog.LOCK_KEY;

  private CommitOrder() {}

  /** Takes the lock for the rest of the caller's transaction. */
  public static void lock(Connection c) throws SQLException {
    Changelog.lock(c);
  }
}
