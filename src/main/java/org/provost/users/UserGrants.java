package org.provost.users;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.provost.authz.Scopes;
import org.provost.db.Jdbc;

/** Attaches every listed user's grants with ONE query, whatever the page size (no N+1). */
final class UserGrants {
  private UserGrants() {}

  static void attach(Connection c, List<User> users, JsonArray items) throws SQLException {
    Map<Long, JsonArray> byUser = new HashMap<>();
    for (int i = 0; i < users.size(); i++) {
      JsonArray grants = new JsonArray();
      byUser.put(users.get(i).id(), grants);
      items.getJsonObject(i).put("grants", grants);
    }
    if (users.isEmpty()) return;
    Long[] ids = users.stream().map(User::id).toArray(Long[]::new);
    Jdbc.list(c, """
        SELECT g.id, g.user_id, r.name AS role, %s AS scope, g.valid_from, g.valid_until
        FROM grants g JOIN roles r ON r.id = g.role_id WHERE g.user_id = ANY (?) ORDER BY g.id"""
        .formatted(Scopes.GRANT_SCOPE_NAME_SQL), rs -> {
          var from = Jdbc.instant(rs, "valid_from");
          var until = Jdbc.instant(rs, "valid_until");
          byUser.get(rs.getLong("user_id")).add(new JsonObject().put("id", rs.getLong("id"))
              .put("role", rs.getString("role")).put("scope", rs.getString("scope"))
              .put("valid_from", from == null ? null : from.toString())
              .put("valid_until", until == null ? null : until.toString()));
          return null;
        }, (Object) ids);
  }
}
