package org.provost.db;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.provost.error.ServiceException;

/**
 * Turns PostgreSQL errors that mean "your input" into service errors; everything else stays an internal
 * error whose cause never reaches a client.
 */
public final class SqlErrors {
  /** constraint name -> the API field it guards. */
  private static final Map<String, String> FIELDS = Map.ofEntries(
      Map.entry("users_username_fold_key", "username"),
      Map.entry("users_email_fold_key", "email"),
      Map.entry("users_external_id_key", "external_id"),
      Map.entry("departments_code_key", "code"),
      Map.entry("courses_code_key", "code"),
      Map.entry("terms_code_key", "code"),
      Map.entry("offerings_course_id_term_id_key", "id"),
      Map.entry("permissions_name_key", "name"),
      Map.entry("roles_name_key", "name"),
      Map.entry("api_clients_name_key", "name"));

  private SqlErrors() {}

  public static RuntimeException translate(SQLException e) {
    if (e instanceof java.sql.SQLTransientConnectionException) {
      return new ServiceException.Unavailable("database_busy",
          "no database connection became free in time; retry shortly");
    }
    String state = e.getSQLState();
    if ("23505".equals(state)) {
      String field = FIELDS.getOrDefault(constraint(e), "id");
      return new ServiceException.Conflict("duplicate", field + " already exists",
          List.of(new ServiceException.FieldError(field, "already exists")));
    }
    if ("23503".equals(state)) {
      return new ServiceException.Conflict("in_use",
          "still referenced by other records (" + constraint(e) + ")", List.of());
    }
    if ("08001".equals(state) || "08006".equals(state) || "57P01".equals(state)
        || (state != null && state.startsWith("08"))) {
      return new ServiceException.Unavailable("database_unavailable", "the database is unreachable");
    }
    return new DatabaseException(e);
  }

  private static String constraint(SQLException e) {
    if (e instanceof org.postgresql.util.PSQLException p && p.getServerErrorMessage() != null) {
      String c = p.getServerErrorMessage().getConstraint();
      return c == null ? "" : c;
    }
    return "";
  }

  /** An unexpected database failure: logged with its cause, answered as a plain 500. */
  public static final class DatabaseException extends RuntimeException {
    DatabaseException(SQLException cause) {
      super("database error (SQLState " + cause.getSQLState() + "): " + cause.getMessage(), cause);
    }
  }
}
