package org.provost.directory;

import io.vertx.core.json.JsonObject;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.provost.db.Jdbc;

/** A course taught in a term; its id is {@code <course>/<term>}. {@code capacity} is a seat count, or null. */
record Offering(long id, long courseId, String course, String term, Long capacity) {
  static final String SELECT = """
      SELECT o.id, o.course_id, c.code AS course, t.code AS term, o.capacity
      FROM offerings o JOIN courses c ON c.id = o.course_id JOIN terms t ON t.id = o.term_id""";

  static Offering map(ResultSet rs) throws SQLException {
    return new Offering(rs.getLong("id"), rs.getLong("course_id"), rs.getString("course"), rs.getString("term"),
        Jdbc.nullableLong(rs, "capacity"));
  }

  /** The API id: course code, slash, term code (neither may contain a slash). */
  String key() {
    return course + "/" + term;
  }

  JsonObject toJson() {
    return new JsonObject().put("id", key()).put("course", course).put("term", term).put("capacity", capacity);
  }
}
