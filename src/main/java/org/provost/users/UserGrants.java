package org.provost.users;

import io.vertx.core.json.JsonArray;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.provost.authz.GrantSummaries;

/** Attaches every listed user's grants with ONE query, whatever the page size (no N+1). */
final class UserGrants {
  private UserGrants() {}

  static void attach(Connection c, List<User> users, JsonArray items) throws SQLException {
    Map<Long, JsonArray> byUser = GrantSummaries.forUsers(c, users.stream().map(User::id).toArray(Long[]::new));
    for (int i = 0; i < users.size(); i++) items.getJsonObject(i).put("grants", byUser.get(users.get(i).id()));
  }
}
