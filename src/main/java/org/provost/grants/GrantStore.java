package org.provost.grants;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.provost.authz.Scope;
import org.provost.authz.Scopes;
import org.provost.db.Changelog;
import org.provost.db.Jdbc;
import org.provost.feed.Change;
import org.provost.error.ServiceException;

/** Grants in PostgreSQL, inside the caller's transaction. Revoking deletes the row; the audit log keeps it. */
final class GrantStore {
  private static final String SELECT = """
      SELECT g.id, g.user_id, g.role_id, r.name AS role, g.scope_type, g.scope_id, %s AS scope_name, g.valid_from,
             g.valid_until, g.reason, g.granted_by, g.revision
      FROM grants g JOIN roles r ON r.id = g.role_id""".formatted(Scopes.GRANT_SCOPE_NAME_SQL);

  private GrantStore() {}

  private static Grant map(ResultSet rs) throws SQLException {
    Scope.Kind kind = Scope.Kind.ofCode(rs.getShort("scope_type"));
    Long scopeId = Jdbc.nullableLong(rs, "scope_id");
    return new Grant(rs.getLong("id"), rs.getLong("user_id"), rs.getLong("role_id"), rs.getString("role"),
        new Scope(kind, scopeId == null ? 0 : scopeId), rs.getString("scope_name"),
        Jdbc.instant(rs, "valid_from"), Jdbc.instant(rs, "valid_until"), rs.getString("reason"),
        Jdbc.nullableLong(rs, "granted_by"), rs.getLong("revision"));
  }

  static Optional<Grant> find(Connection c, long id) throws SQLException {
    return Jdbc.one(c, SELECT + " WHERE g.id = ?", GrantStore::map, id);
  }

  static Grant get(Connection c, long id) throws SQLException {
    return find(c, id).orElseThrow(() -> new ServiceException.NotFound("grant", id));
  }

  /**
   * The id the next grant will get (taken before the insert, so its change can be recorded with it), or -1
   * when the user already holds this role in this scope for exactly this window: one round trip. A
   * duplicate still takes a number from the sequence (ids have gaps anyway: a rolled-back grant leaves one).
   */
  static long nextIdUnlessHeld(Connection c, long userId, long roleId, Scope scope, NewGrant g) throws SQLException {
    return Jdbc.returningLong(c, """
        SELECT CASE WHEN EXISTS (SELECT 1 FROM grants WHERE user_id = ? AND role_id = ? AND scope_type = ?
            AND scope_id IS NOT DISTINCT FROM ?::bigint AND valid_from IS NOT DISTINCT FROM ?::timestamptz
            AND valid_until IS NOT DISTINCT FROM ?::timestamptz)
          THEN -1 ELSE nextval(pg_get_serial_sequence('grants', 'id')) END""",
        userId, roleId, scope.kind().code(), scope.scopeIdOrNull(), g.validFrom(), g.validUntil());
  }

  /**
   * Records the grant's change ({@link Changelog}) and inserts it, in one statement, and returns it as stored,
   * built from what was inserted rather than read back (the window is already at timestamptz's precision:
   * Input truncates instants to microseconds).
   */
  static Grant insert(Connection c, long id, long userId, long roleId, String role, Scope scope, String scopeName,
      NewGrant g, Long grantedBy) throws SQLException {
    long revision = Changelog.recordWith(c, Change.Entity.GRANT, id, Change.Op.CREATE, userId, "grant.insert", """
        INSERT INTO grants (id, user_id, role_id, scope_type, scope_id, valid_from, valid_until, reason,
                            granted_by, revision)
        SELECT ?::bigint, ?::bigint, ?::bigint, ?::smallint, ?::bigint, ?::timestamptz, ?::timestamptz, ?::text,
          ?::bigint, r.revision FROM r RETURNING 1""",
        id, userId, roleId, scope.kind().code(), scope.scopeIdOrNull(), g.validFrom(), g.validUntil(), g.reason(),
        grantedBy).revision();
    return new Grant(id, userId, roleId, role, scope, scopeName, g.validFrom(), g.validUntil(), g.reason(),
        grantedBy, revision);
  }

  /**
   * Records the revoke's change and deletes grant {@code id} (held by {@code userId}), in one statement;
   * returns the revision, or -1 when the grant was already gone (the caller throws, rolling the change back).
   */
  static long delete(Connection c, long id, long userId) throws SQLException {
    Changelog.Recorded r = Changelog.recordWith(c, Change.Entity.GRANT, id, Change.Op.REVOKE, userId,
        "grant.delete", "DELETE FROM grants WHERE id = ?::bigint RETURNING 1", id);
    return r.rows() == 1 ? r.revision() : -1;
  }
}
