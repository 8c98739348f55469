package org.provost.authz;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.provost.db.Jdbc;

/**
 * The users' grants as API.md lists them ({@code id, role, scope, valid_from, valid_until}), for many users
 * in one query: what {@code /v1/me} and {@code GET /v1/users?include=grants} show.
 */
public final class GrantSummaries {
  private static final String SQL = """
      SELECT g.id, g.user_id, r.name AS role, %s AS scope, g.valid_from, g.valid_until
      FROM grants g JOIN roles r ON r.id = g.role_id WHERE g.user_id = ANY (?) ORDER BY g.id"""
      .formatted(Scopes.GRANT_SCOPE_NAME_SQL);

  private GrantSummaries() {}

  /** Each user's grants, oldest first; a user with none maps to an empty array. */
  public static Map<Long, JsonArray> forUsers(Connection c, Long[] userIds) throws SQLException {
    Map<Long, JsonArray> byUser = new HashMap<>();
    for (Long id : userIds) byUser.put(id, new JsonArray());
    if (userIds.length == 0) return byUser;
    Jdbc.list(c, SQL, rs -> byUser.get(rs.getLong("user_id")).add(new JsonObject()
        .put("id", rs.getLong("id"))
        .put("role", rs.getString("role"))
        .put("scope", rs.getString("scope"))
        .put("valid_from", text(Jdbc.instant(rs, "valid_from")))
        .put("valid_until", text(Jdbc.instant(rs, "valid_until")))), (Object) userIds);
    return byUser;
  }

  private static String text(Instant t) {
    return t == null ? null : t.toString();
  }
}
