package org.provost.grants;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.provost.authz.Scope;

/** One role grant: a user holds a role in a scope, optionally only inside a validity window. */
record Grant(long id, long userId, long roleId, String role, Scope scope, String scopeName, Instant validFrom,
    Instant validUntil, String reason, Long grantedBy, long revision) {

  JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("user", userId)
        .put("role", role)
        .put("scope", scopeName)
        .put("valid_from", text(validFrom))
        .put("valid_until", text(validUntil))
        .put("reason", reason)
        .put("granted_by", grantedBy)
        .put("revision", revision);
  }

  private static String text(Instant t) {
    return t == null ? null : t.toString();
  }
}
