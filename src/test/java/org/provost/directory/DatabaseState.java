package org.provost.directory;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.function.Supplier;
import org.provost.db.Changelog;
import org.provost.feed.Change;
import org.provost.db.Jdbc;
import org.provost.testing.Http.Response;

/**
 * Direct SQL on a test server's database: seeding what the API under test does not make (grants), reading
 * the changelog and audit log, and proving that a rejected request wrote nothing at all.
 */
final class DatabaseState {
  private static final String FINGERPRINT = """
      SELECT concat_ws(' | ',
        (SELECT md5(coalesce(string_agg(x::text, ',' ORDER BY x.id), '')) FROM departments x),
        (SELECT md5(coalesce(string_agg(x::text, ',' ORDER BY x.id), '')) FROM courses x),
        (SELECT md5(coalesce(string_agg(x::text, ',' ORDER BY x.id), '')) FROM terms x),
        (SELECT md5(coalesce(string_agg(x::text, ',' ORDER BY x.id), '')) FROM offerings x),
        (SELECT count(*) FROM audit_events),
        (SELECT coalesce(max(revision), 0) FROM changelog))""";

  private final String jdbcUrl;

  DatabaseState(String jdbcUrl) {
    this.jdbcUrl = jdbcUrl;
  }

  /** Sends {@code request} and asserts that the directory tables, audit log and changelog did not change. */
  Response assertNothingWritten(Supplier<Response> request) {
    String before = fingerprint();
    Response r = request.get();
    assertThat(fingerprint()).as("database after %s", r).isEqualTo(before);
    return r;
  }

  String fingerprint() {
    return query(c -> Jdbc.one(c, FINGERPRINT, rs -> rs.getString(1)).orElseThrow());
  }

  long count(String sql, Object... params) {
    return query(c -> Jdbc.one(c, sql, rs -> rs.getLong(1), params).orElseThrow());
  }

  long currentRevision() {
    return query(Changelog::current);
  }

  /** The newest changelog row as {@code entity op}, e.g. {@code department create}. */
  String lastChange() {
    return query(c -> Jdbc.one(c, "SELECT entity || ' ' || op FROM changelog ORDER BY revision DESC LIMIT 1",
        rs -> rs.getString(1)).orElse(""));
  }

  /** Grants {@code role} to {@code username} on a scope (scope_type 1..3 and the row's id), as the grants API would. */
  void grant(String username, String role, int scopeType, long scopeId) {
    query(c -> {
      long revision = Changelog.current(c) + 1;
      long[] grant = Jdbc.one(c, """
          INSERT INTO grants (user_id, role_id, scope_type, scope_id, reason, revision)
          SELECT u.id, r.id, ?, ?, 'test', ? FROM users u, roles r WHERE u.username = ? AND r.name = ?
          RETURNING id, user_id""", rs -> new long[] {rs.getLong(1), rs.getLong(2)}, (short) scopeType, scopeId,
          revision, username, role).orElseThrow();
      return Changelog.record(c, Change.Entity.GRANT, grant[0], Change.Op.CREATE, grant[1]);
    });
  }

  long id(String table, String code) {
    return count("SELECT id FROM " + table + " WHERE code = ?", code);
  }

  private <T> T query(Work<T> work) {
    try (Connection c = DriverManager.getConnection(jdbcUrl)) {
      c.setAutoCommit(false);
      T result = work.run(c);
      c.commit();
      return result;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @FunctionalInterface
  private interface Work<T> {
    T run(Connection c) throws SQLException;
  }
}
