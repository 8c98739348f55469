package org.provost.grants;

import java.sql.Connection;
import java.sql.SQLException;
import org.provost.authz.Guard;
import org.provost.authz.Scope;
import org.provost.db.Jdbc;
import org.provost.error.ServiceException;
import org.provost.http.Principal;

/**
 * "Nobody can grant a role that carries a permission they do not hold themselves in that scope." The
 * grantor needs {@code grants.write} in the scope, and then every permission of the role's closure (its
 * own and those of every role it includes) in that same scope, each asked of the Guard.
 */
final class Delegation {
  private static final String CLOSURE = """
      WITH RECURSIVE closure (role_id) AS (
        SELECT ?::bigint
        UNION SELECT ri.included_role_id FROM closure c JOIN role_includes ri ON ri.role_id = c.role_id)
      SELECT DISTINCT p.name FROM closure c
      JOIN role_permissions rp ON rp.role_id = c.role_id JOIN permissions p ON p.id = rp.permission_id
      ORDER BY p.name""";

  private Delegation() {}

  /**
   * 403 {@code forbidden} without grants.write in the scope, else 403 {@code cannot_delegate} naming the
   * first (by name) permission of the role that the grantor lacks there.
   */
  static void require(Connection c, Guard guard, Principal who, long roleId, String role, Scope scope,
      String scopeName) throws SQLException {
    guard.require(c, who, "grants.write", scope);
    for (String permission : Jdbc.list(c, CLOSURE, rs -> rs.getString(1), roleId)) {
      if (!guard.holds(c, who, permission, scope)) {
        throw new ServiceException.Forbidden("cannot_delegate", "you cannot grant role " + role + " in "
            + scopeName + ": it carries " + permission + ", which you do not hold there yourself");
      }
    }
  }
}
