package org.provost.directory;

import io.vertx.core.json.JsonObject;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.provost.db.Jdbc;

/** A department or school; {@code parent} is the parent's code, null at the top of the tree. */
record Department(long id, String code, String name, Long parentId, String parent) {
  static final String SELECT = """
      SELECT d.id, d.code, d.name, d.parent_id, p.code AS parent
      FROM departments d LEFT JOIN departments p ON p.id = d.parent_id""";

  static Department map(ResultSet rs) throws SQLException {
    return new Department(rs.getLong("id"), rs.getString("code"), rs.getString("name"),
        Jdbc.nullableLong(rs, "parent_id"), rs.getString("parent"));
  }

  JsonObject toJson() {
    return new JsonObject().put("code", code).put("name", name).put("parent", parent);
  }
}
