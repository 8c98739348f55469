package org.provost.authz;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.SQLException;
import org.provost.users.UserStore;

/**
 * What {@code /v1/me} answers: {@code user}, the account as PostgreSQL holds it; {@code grants} and
 * {@code permissions}, what the authorization index holds about it (see {@link AuthzIndex#view}), so the same
 * revision that answers the user's checks.
 */
final class Me {
  private static final UserStore USERS = new UserStore();

  private Me() {}

  /** The account's own fields (API.md's user object), one statement. */
  static JsonObject account(Connection c, long userId) throws SQLException {
    return USERS.get(c, userId).toJson();
  }

  /** The body: {@code account} with the index's view of the user's grants and permissions. */
  static JsonObject body(JsonObject account, AuthzIndex.UserView view) {
    JsonArray grants = new JsonArray();
    for (AuthzIndex.GrantView g : view.grants()) {
      grants.add(GrantSummaries.summary(g.id(), g.role(), g.scope(), g.validFrom(), g.validUntil()));
    }
    JsonArray permissions = new JsonArray();
    for (AuthzIndex.Granted p : view.permissions()) {
      permissions.add(new JsonObject().put("permission", p.permission()).put("scope", p.scope()));
    }
    return new JsonObject().put("user", account).put("grants", grants).put("permissions", permissions);
  }
}
