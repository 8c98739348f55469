package org.provost.authz;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import org.provost.db.Jdbc;
import org.provost.users.UserStore;

/** What {@code /v1/me} answers: the user, their grants, and the permissions those grant now, by scope. */
final class Me {
  private static final UserStore USERS = new UserStore();
  private Me() {}

  static JsonObject describe(Connection c, long userId, Instant now) throws SQLException {
    JsonObject user = USERS.get(c, userId).toJson();
    JsonArray grants = GrantSummaries.forUsers(c, new Long[] {userId}).get(userId);
    JsonArray permissions = new JsonArray();
    Jdbc.list(c, """
        WITH RECURSIVE live AS (
          SELECT g.id, g.role_id, g.scope_type, g.scope_id FROM grants g JOIN users u ON u.id = g.user_id
          WHERE g.user_id = ? AND u.is_active
            AND (g.valid_from IS NULL OR g.valid_from <= ?) AND (g.valid_until IS NULL OR g.valid_until > ?)),
        closure (scope_type, scope_id, role_id) AS (
          SELECT scope_type, scope_id, role_id FROM live
          UNION SELECT c.scope_type, c.scope_id, ri.included_role_id
          FROM closure c JOIN role_includes ri ON ri.role_id = c.role_id)
        SELECT DISTINCT p.name AS permission, %s AS scope
        FROM closure g
        JOIN role_permissions rp ON rp.role_id = g.role_id JOIN permissions p ON p.id = rp.permission_id
        ORDER BY 2, 1""".formatted(Scopes.GRANT_SCOPE_NAME_SQL),
        rs -> permissions.add(new JsonObject().put("permission", rs.getString("permission"))
            .put("scope", rs.getString("scope"))), userId, now, now);
    return new JsonObject().put("user", user).put("grants", grants).put("permissions", permissions);
  }
}
