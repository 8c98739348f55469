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

  <T> T transaction(Database.Work<T> work) {
    try {
      if (connection == null || connection.isClosed()) {
        connection = db.openDedicated();
        connection.setAutoCommit(false);
      }
      try {
        T result = work.run(connection);
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
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
