package org.provost.authz;

import java.sql.Connection;
import java.sql.SQLException;
import org.provost.db.Database;
import org.provost.db.SqlErrors;

/**
 * The index's own database connection, outside the request pool: a pool drained by slow requests must
 * never stop authorization changes from being applied. Opened on first use, reopened after any failure;
 * the failure itself goes to the caller (the change feed retries the batch). One thread at a time.
 */
final class OwnConnection implements AutoCloseable {
  private final Database db;
  private Connection connection;

  OwnConnection(Database db) {
    this.db = db;
  }

  /** Runs {@code work} in one transaction on this connection; a failure rolls it back and reopens. */
  <T> T transaction(Database.Work<T> work) {
    return run(work, false);
  }

  /**
   * Runs {@code work}, which must be ONE statement (its own snapshot is consistent), outside a transaction:
   * no BEGIN and no COMMIT, one round trip where a transaction takes two.
   */
  <T> T statement(Database.Work<T> work) {
    return run(work, true);
  }

  private <T> T run(Database.Work<T> work, boolean autoCommit) {
    try {
      if (connection == null || connection.isClosed()) {
        connection = db.openDedicated();
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
