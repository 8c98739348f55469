package org.provost.directory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.provost.db.Jdbc;
import org.provost.error.ServiceException;
import org.provost.error.ServiceException.FieldError;

/**
 * Refuses to delete a row that something still names. Foreign keys catch most references, but grants name
 * their scope by (scope_type, scope_id) without one, so each delete counts every kind of reference itself
 * and answers 409 {@code in_use} listing them.
 */
final class InUse {
  private InUse() {}

  /**
   * Runs {@code countsSql}, one row whose columns are reference counts named by what refers (courses,
   * grants...), and throws when any is non-zero: one error on {@code field} (the path's code or id) per use.
   * Call it after locking the row FOR UPDATE: a row inserted with a foreign key to it then waits for the
   * delete, and fails on the foreign key instead of dangling.
   */
  static void refuseIfReferenced(Connection c, String field, String what, String countsSql, Object... params)
      throws SQLException {
    List<String> uses = Jdbc.one(c, countsSql, InUse::nonZero, params).orElse(List.of());
    if (uses.isEmpty()) return;
    List<FieldError> errors = new ArrayList<>();
    for (String use : uses) errors.add(new FieldError(field, "is used by " + use));
    throw new ServiceException.Conflict("in_use",
        what + " is still used by " + String.join(", ", uses) + "; remove those first", errors);
  }

  /** "2 courses", "1 grants"... for each non-zero count column. */
  private static List<String> nonZero(ResultSet rs) throws SQLException {
    List<String> out = new ArrayList<>();
    ResultSetMetaData meta = rs.getMetaData();
    for (int i = 1; i <= meta.getColumnCount(); i++) {
      long n = rs.getLong(i);
      if (n > 0) out.add(n + " " + meta.getColumnLabel(i).replace('_', '-'));
    }
    return out;
  }
}
