package org.provost.users;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** A person Provost knows. {@code department} is the department's code, or null. */
public record User(
    long id,
    String username,
    String email,
    String displayName,
    String type,
    String department,
    Long departmentId,
    String externalId,
    boolean active,
    boolean verified,
    Instant createdAt,
    Instant updatedAt) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("username", username)
        .put("email", email)
        .put("display_name", displayName)
        .put("type", type)
        .put("department", department)
        .put("external_id", externalId)
        .put("active", active)
        .put("verified", verified)
        .put("created_at", createdAt.toString())
        .put("updated_at", updatedAt.toString());
  }
}
