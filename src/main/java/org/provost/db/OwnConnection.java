package org.provost.db;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * A change-feed listener's own database connection (the authorization index's, the user search's), outside
 * the request pool: a pool drained by slow requests must never stop changes from being applied. Opened on
 * first use, reopened after any failure; the failure itself goes to the caller (the change feed retries the
 * batch). One thread at a time.
 */
public final class OwnConnection implements AutoCloseable {
  private final Database db;
  private final boolean genericPlans;
  private Connection connection;

  /** A connection of {@code db}'s, opened on first use ({@link Database#openDedicated()}). */
  public OwnConnection(Database db) {
    this(db, false);
  }

  /**
   * A connection of {@code db}'s, opened on first use and after each failure by
   * {@link Database#openDedicated(boolean)}: to the primary's direct address, never through a pooler.
   *
   * @param genericPlans plan each statement prepared on it once ({@code plan_cache_mode =
   *     force_generic_plan}, set again at every opening): only when every statement run on it reaches its rows
   *     by key, or has no parameters
   */
  public OwnConnection(Database db, boolean genericPlans) {
    this.db = db;
    this.genericPlans = genericPlans;
  }

  /** Runs {@code work} in one transaction on this connection; a failure rolls it back and reopens. */
  public <T> T transaction(Database.Work<T> work) {
    return run(work, false);
  }

  /**
   * Runs {@code work} in one REPEATABLE READ transaction: every statement of it reads the same snapshot (a
   * full load). Only this transaction: the next is READ COMMITTED again, with no statement to set it back.
   */
  public <T> T snapshot(Database.Work<T> work) {
    return run(c -> {
      try (var st = c.createStatement()) {
        st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
      }
      return work.run(c);
    }, false);
  }

  /**
   * Runs {@code work}, which must be ONE statement (its own snapshot is consistent), outside a transaction:
   * no BEGIN and no COMMIT, one round trip where a transaction takes two.
   */
  public <T> T statement(Database.Work<T> work) {
    return run(work, true);
  }

  private <T> T run(Database.Work<T> work, boolean autoCommit) {
    try {
      if (connection == null || connection.isClosed()) {
        connection = db.openDedicated(genericPlans);
        connection.setAutoCommit(false);
      }
      if (autoCommit) {
        connection.setAutoCommit(true); // nothing is sent: no transaction is open here
        T result;
        try {
          result = work.run(connection);
        } catch (SQLException | RuntimeException e) {
          close(); // reopened by the next call; a reset here could only hide e behind "connection closed"
          throw e;
        }
        connection.setAutoCommit(false);
        return result;
      }
      try {
        T result = work.run(connection);
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    } catch (SQLException e) {
      close();
      throw SqlErrors.translate(e);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  @Override
  public void close() {
    try {
      if (connection != null) connection.close();
    } catch (SQLException ignored) {
      // already broken: nothing to release
    }
    connection = null;
  }
}
