package org.provost.directory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.regex.Pattern;
import org.provost.db.Jdbc;
import org.provost.error.ServiceException;
import org.provost.http.Input;

/**
 * The shapes of directory codes and the lookups of a code to its row id. An unknown code in a request
 * body or filter is invalid input naming that field; an unknown code in a path is 404.
 */
final class Codes {
  /** Department and course codes: ENG, CS101, MATH.2. */
  static final Pattern CODE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
  static final String CODE_HINT = "must be 1-64 letters, digits, '_', '.' or '-', starting with a letter or digit";
  /** Term codes are lower case: 2026-fall. */
  static final Pattern TERM = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");
  static final String TERM_HINT =
      "must be 1-64 lower-case letters, digits, '_', '.' or '-', starting with a letter or digit (2026-fall)";
  static final int MAX_CODE = 64;
  static final int MAX_NAME = 200;
  static final String WRITE = "directory.write";

  private Codes() {}

  static Optional<Long> findDepartment(Connection c, String code) throws SQLException {
    return Jdbc.one(c, "SELECT id FROM departments WHERE code = ?", rs -> rs.getLong(1), code);
  }

  static Optional<Long> findCourse(Connection c, String code) throws SQLException {
    return Jdbc.one(c, "SELECT id FROM courses WHERE code = ?", rs -> rs.getLong(1), code);
  }

  static Optional<Long> findTerm(Connection c, String code) throws SQLException {
    return Jdbc.one(c, "SELECT id FROM terms WHERE code = ?", rs -> rs.getLong(1), code);
  }

  /** The id of a referenced department; unknown is invalid input on {@code field}. */
  static long department(Connection c, String field, String code) throws SQLException {
    return findDepartment(c, code).orElseThrow(() -> unknown(field, "department", code));
  }

  static long course(Connection c, String field, String code) throws SQLException {
    return findCourse(c, code).orElseThrow(() -> unknown(field, "course", code));
  }

  static long term(Connection c, String field, String code) throws SQLException {
    return findTerm(c, code).orElseThrow(() -> unknown(field, "term", code));
  }

  static ServiceException.InvalidInput unknown(String field, String what, String code) {
    return new ServiceException.InvalidInput(field, "no " + what + " has code " + code);
  }

  /** Rejects a field that a PATCH may not change (codes name the resource in its URL). */
  static void immutable(Input in, String field, String why) {
    if (in.has(field)) in.error(field, "cannot be changed; " + why);
  }

  /** A PATCH field that may be left out but not cleared: present means required. */
  static String changed(Input in, String field, int maxLength) {
    return in.has(field) ? in.requiredString(field, maxLength) : null;
  }
}
