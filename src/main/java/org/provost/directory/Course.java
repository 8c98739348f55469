package org.provost.directory;

import io.vertx.core.json.JsonObject;
import java.sql.ResultSet;
import java.sql.SQLException;

/** A course in the catalogue; {@code department} is its department's code. */
record Course(long id, String code, String title, long departmentId, String department) {
  static final String SELECT = """
      SELECT c.id, c.code, c.title, c.department_id, d.code AS department
      FROM courses c JOIN departments d ON d.id = c.department_id""";

  static Course map(ResultSet rs) throws SQLException {
    return new Course(rs.getLong("id"), rs.getString("code"), rs.getString("title"), rs.getLong("department_id"),
        rs.getString("department"));
  }

  JsonObject toJson() {
    return new JsonObject().put("code", code).put("title", title).put("department", department);
  }
}
