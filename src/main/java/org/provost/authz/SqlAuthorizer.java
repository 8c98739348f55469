package org.provost.authz;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.provost.db.Jdbc;

/**
 * Evaluates a check with plain SQL over the source of truth: covering scopes, the user's grants valid at
 * {@code now}, role includes (recursively) and role permissions. Slow but obviously right, which makes it
 * the reference the in-memory index is tested against.
 */
public final class SqlAuthorizer implements Authorizer {
  // the closure carries each grant's own columns along, so nothing joins back to the (large) grants table
  private static final String EXPLAIN = """
      WITH RECURSIVE live AS (
        SELECT g.id, g.role_id, g.scope_type, g.scope_id FROM grants g JOIN users u ON u.id = g.user_id
        WHERE g.user_id = ? AND u.is_active
          AND (g.valid_from IS NULL OR g.valid_from <= ?)
          AND (g.valid_until IS NULL OR g.valid_until > ?)
          AND (g.scope_type = 0
               OR (g.scope_type = 1 AND g.scope_id = ANY (?))
               OR (g.scope_type = 2 AND g.scope_id = ANY (?))
               OR (g.scope_type = 3 AND g.scope_id = ANY (?)))),
      closure (grant_id, granted_role, scope_type, scope_id, role_id) AS (
        SELECT id, role_id, scope_type, scope_id, role_id FROM live
        UNION
        SELECT c.grant_id, c.granted_role, c.scope_type, c.scope_id, ri.included_role_id
        FROM closure c JOIN role_includes ri ON ri.role_id = c.role_id)
      SELECT DISTINCT g.grant_id AS id, r.name AS role, %s AS scope
      FROM closure g
      JOIN role_permissions rp ON rp.role_id = g.role_id
      JOIN permissions p ON p.id = rp.permission_id AND p.name = ?
      JOIN roles r ON r.id = g.granted_role
      ORDER BY 1""".formatted(Scopes.GRANT_SCOPE_NAME_SQL);

  @Override
  public boolean allowed(Connection c, long userId, String permission, Scope resource, Instant now)
      throws SQLException {
    return !explain(c, userId, permission, resource, now).isEmpty();
  }

  @Override
  public List<Reason> explain(Connection c, long userId, String permission, Scope resource, Instant now)
      throws SQLException {
    List<Long> departments = new ArrayList<>();
    List<Long> courses = new ArrayList<>();
    List<Long> offerings = new ArrayList<>();
    for (Scope s : Scopes.covering(c, resource)) {
      switch (s.kind()) {
        case DEPARTMENT -> departments.add(s.id());
        case COURSE -> courses.add(s.id());
        case OFFERING -> offerings.add(s.id());
        case GLOBAL -> { }
      }
    }
    return Jdbc.list(c, EXPLAIN,
        rs -> new Reason(rs.getLong("id"), rs.getString("role"), rs.getString("scope")),
        userId, now, now, departments.toArray(Long[]::new), courses.toArray(Long[]::new),
        offerings.toArray(Long[]::new), permission);
  }
}
