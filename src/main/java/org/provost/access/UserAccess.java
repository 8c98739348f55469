package org.provost.access;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.provost.db.Jdbc;
import org.provost.error.ServiceException;

/**
 * What one person could do at an instant, and where: every permission their grants carried then (through
 * the role graph as it was then), in the scope of the grant that carried it, with those grants. Nothing
 * when the account was inactive (or did not exist yet) at that instant.
 */
final class UserAccess {
  private UserAccess() {}

  /**
   * {@code {user:{..., active}, permissions:[{permission, scope, grants:[...]}]}}, ordered by permission
   * then scope; the caller adds {@code at} and {@code history_complete}.
   *
   * @throws ServiceException.NotFound when the user has no recorded version at all
   */
  static JsonObject answer(Connection c, PastState state, long userId) throws SQLException {
    UserAt user = state.user(userId).orElseThrow(() -> new ServiceException.NotFound("user", userId));
    JsonArray permissions = new JsonArray();
    if (user.active()) {
      var at = state.at();
      List<HeldGrant> grants = Jdbc.list(c, "/* access.user.grants */ SELECT " + HeldGrant.COLUMNS
          + " FROM grant_history WHERE user_id = ? AND" + HeldGrant.LIVE + " ORDER BY id", HeldGrant::read,
          userId, at, at, at, at);
      RolesAt roles = state.roles();
      Set<Long> granters = new HashSet<>();
      for (HeldGrant g : grants) if (g.grantedBy() != null) granters.add(g.grantedBy());
      Map<Long, String> granterNames = state.usernames(granters);
      Map<String, Map<String, List<HeldGrant>>> held = new TreeMap<>();
      for (HeldGrant g : grants) {
        String scope = state.name(g.scope());
        for (Map.Entry<String, List<String>> e : roles.chains(g.roleId()).entrySet()) {
          held.computeIfAbsent(e.getKey(), k -> new TreeMap<>()).computeIfAbsent(scope, k -> new ArrayList<>())
              .add(g.named(roles.name(g.roleId()), e.getValue(), scope,
                  g.grantedBy() == null ? null : granterNames.get(g.grantedBy())));
        }
      }
      held.forEach((permission, byScope) -> byScope.forEach((scope, list) -> {
        JsonArray items = new JsonArray();
        for (HeldGrant g : list) items.add(g.toJson());
        permissions.add(new JsonObject().put("permission", permission).put("scope", scope).put("grants", items));
      }));
    }
    return new JsonObject().put("user", user.toJson(state).put("active", user.active()))
        .put("permissions", permissions);
  }
}
