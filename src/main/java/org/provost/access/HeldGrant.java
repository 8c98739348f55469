package org.provost.access;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import org.provost.authz.Scope;
import org.provost.db.Jdbc;

/**
 * A grant as it stood at an instant (a row of {@code grant_history}), with the names it is shown by.
 *
 * @param chain the role chain through which it carries the permission in question (role names)
 * @param granterName the granter's username at the instant, null when {@code grantedBy} is null
 */
record HeldGrant(long id, long userId, long roleId, Scope scope, Instant validFrom, Instant validUntil,
    String reason, Long grantedBy, String role, List<String> chain, String scopeName, String granterName) {

  /** The columns {@link #read} needs, from {@code grant_history}. */
  static final String COLUMNS = "id, user_id, role_id, scope_type, scope_id, valid_from, valid_until, reason,"
      + " granted_by";
  /** A grant that existed at the instant and whose window holds it; binds the instant four times. */
  static final String LIVE = " from_at <= ? AND (to_at IS NULL OR to_at > ?)"
      + " AND (valid_from IS NULL OR valid_from <= ?) AND (valid_until IS NULL OR valid_until > ?)";

  /** A row, not yet named (role, chain, scope name and granter are filled by {@link #named}). */
  static HeldGrant read(ResultSet rs) throws SQLException {
    Long scopeId = Jdbc.nullableLong(rs, "scope_id");
    return new HeldGrant(rs.getLong("id"), rs.getLong("user_id"), rs.getLong("role_id"),
        new Scope(Scope.Kind.ofCode(rs.getShort("scope_type")), scopeId == null ? 0 : scopeId),
        Jdbc.instant(rs, "valid_from"), Jdbc.instant(rs, "valid_until"), rs.getString("reason"),
        Jdbc.nullableLong(rs, "granted_by"), null, null, null, null);
  }

  HeldGrant named(String roleName, List<String> roleChain, String scopeText, String granter) {
    return new HeldGrant(id, userId, roleId, scope, validFrom, validUntil, reason, grantedBy, roleName, roleChain,
        scopeText, granter);
  }

  /** {@code {id, role, role_chain, scope, valid_from, valid_until, granted_by:{id, username}|null, reason}}. */
  JsonObject toJson() {
    return new JsonObject().put("id", id).put("role", role).put("role_chain", new JsonArray(List.copyOf(chain)))
        .put("scope", scopeName).put("valid_from", text(validFrom)).put("valid_until", text(validUntil))
        .put("granted_by", grantedBy == null ? null
            : new JsonObject().put("id", grantedBy).put("username", granterName))
        .put("reason", reason);
  }

  static String text(Instant t) {
    return t == null ? null : t.toString();
  }
}
