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
    Jdbc.list(c, SQL, rs -> byUser.get(rs.getLong("user_id")).add(summary(rs.getLong("id"), rs.getString("role"),
        rs.getString("scope"), Jdbc.instant(rs, "valid_from"), Jdbc.instant(rs, "valid_until"))), (Object) userIds);
    return byUser;
  }

  /** One grant as API.md lists it; a null end of the window stays null, an instant is RFC 3339 text. */
  static JsonObject summary(long id, String role, String scope, Instant validFrom, Instant validUntil) {
    return new JsonObject().put("id", id).put("role", role).put("scope", scope)
        .put("valid_from", text(validFrom)).put("valid_until", text(validUntil));
  }

  private static String text(Instant t) {
    return t == null ? null : t.toString();
  }
}
