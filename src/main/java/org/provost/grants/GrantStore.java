package org.provost.grants;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
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
   * What a new grant names, as this transaction sees it (under the writer lock): the role's id (null when no
   * role has that name), the scope found, locked against deletion and named (empty when it does not exist:
   * {@link Scopes#lockedLookup}), and whether the user already holds this role in this scope for exactly this
   * window.
   */
  record Resolved(Long roleId, Optional<Scopes.Found> scope, boolean held) {}

  /**
   * Resolves {@code g} for user {@code userId} in one round trip (the first statement of a grant, where there
   * were three). Throws NotFound when the user does not exist.
   */
  static Resolved resolve(Connection c, long userId, NewGrant g) throws SQLException {
    Scopes.LockedLookup scope = Scopes.lockedLookup(g.scope());
    List<Object> params = new ArrayList<>();
    params.add(g.scope().kind().code());
    params.add(g.validFrom());
    params.add(g.validUntil());
    params.add(g.role());
    params.addAll(scope.params());
    params.add(userId);
    return Jdbc.one(c, """
        /* grant.resolve */ SELECT r.id AS role_id, s.id AS scope_id, s.name AS scope_name,
          EXISTS (SELECT 1 FROM grants h WHERE h.user_id = u.id AND h.role_id = r.id AND h.scope_type = ?
            AND h.scope_id IS NOT DISTINCT FROM s.id AND h.valid_from IS NOT DISTINCT FROM ?::timestamptz
            AND h.valid_until IS NOT DISTINCT FROM ?::timestamptz) AS held
        FROM users u LEFT JOIN roles r ON r.name = ? LEFT JOIN LATERAL (%s) s ON true
        WHERE u.id = ?""".formatted(scope.sql()), rs -> {
          String name = rs.getString("scope_name"); // NULL: no such scope
          Optional<Scopes.Found> found = name == null ? Optional.empty() : Optional.of(new Scopes.Found(
              Scopes.LockedLookup.scope(g.scope().kind(), Jdbc.nullableLong(rs, "scope_id")), name));
          return new Resolved(Jdbc.nullableLong(rs, "role_id"), found, rs.getBoolean("held"));
        }, params.toArray()).orElseThrow(() -> new ServiceException.NotFound("user", userId));
  }

  /**
   * Takes the grant's id, records its change ({@link Changelog}) and inserts it, in one statement, and returns
   * it as stored, built from what was inserted rather than read back (the window is already at timestamptz's
   * precision: Input truncates instants to microseconds).
   */
  static Grant insert(Connection c, long userId, long roleId, String role, Scope scope, String scopeName,
      NewGrant g, Long grantedBy) throws SQLException {
    Changelog.RecordedNew r = Changelog.recordWithNewId(c, Change.Entity.GRANT, "grants", Change.Op.CREATE, userId,
        "grant.insert", """
        INSERT INTO grants (id, user_id, role_id, scope_type, scope_id, valid_from, valid_until, reason,
                            granted_by, revision)
        SELECT i.id, ?::bigint, ?::bigint, ?::smallint, ?::bigint, ?::timestamptz, ?::timestamptz, ?::text,
          ?::bigint, r.revision FROM i, r RETURNING 1""",
        userId, roleId, scope.kind().code(), scope.scopeIdOrNull(), g.validFrom(), g.validUntil(), g.reason(),
        grantedBy);
    return new Grant(r.id(), userId, roleId, role, scope, scopeName, g.validFrom(), g.validUntil(), g.reason(),
        grantedBy, r.revision());
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
