package org.provost.access;

import io.vertx.core.json.JsonObject;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.provost.db.Jdbc;

/** A user account as it was at an instant (a row of {@code user_history}). */
record UserAt(long id, String username, String displayName, String type, Long departmentId, boolean active) {
  static UserAt read(ResultSet rs) throws SQLException {
    return new UserAt(rs.getLong("id"), rs.getString("username"), rs.getString("display_name"),
        rs.getString("type"), Jdbc.nullableLong(rs, "department_id"), rs.getBoolean("is_active"));
  }

  /** {@code {id, username, display_name, type, department}} with the department's code at the instant. */
  JsonObject toJson(PastState state) throws SQLException {
    return new JsonObject().put("id", id).put("username", username).put("display_name", displayName)
        .put("type", type).put("department", state.departmentCode(departmentId));
  }
}
