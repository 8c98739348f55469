package org.provost.directory;

import io.vertx.core.json.JsonObject;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;

/** An academic term (2026-fall) and the dates it runs, both inclusive. */
record Term(long id, String code, String name, LocalDate startsOn, LocalDate endsOn) {
  static final String SELECT = "SELECT t.id, t.code, t.name, t.starts_on, t.ends_on FROM terms t";

  static Term map(ResultSet rs) throws SQLException {
    return new Term(rs.getLong("id"), rs.getString("code"), rs.getString("name"),
        rs.getObject("starts_on", LocalDate.class), rs.getObject("ends_on", LocalDate.class));
  }

  JsonObject toJson() {
    return new JsonObject().put("code", code).put("name", name).put("starts_on", startsOn.toString())
        .put("ends_on", endsOn.toString());
  }
}
