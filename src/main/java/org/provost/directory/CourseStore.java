package org.provost.directory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.provost.authz.Scope;
import org.provost.db.Jdbc;
import org.provost.error.ServiceException;

/** Courses in PostgreSQL. Every method runs inside the caller's transaction. */
final class CourseStore {
  private CourseStore() {}

  static Optional<Course> find(Connection c, String code) throws SQLException {
    return Jdbc.one(c, Course.SELECT + " WHERE c.code = ?", Course::map, code);
  }

  static Course get(Connection c, String code) throws SQLException {
    return find(c, code).orElseThrow(() -> new ServiceException.NotFound("course", code));
  }

  /** The row, locked until the transaction ends (before a delete). */
  static Course lock(Connection c, String code) throws SQLException {
    return Jdbc.one(c, Course.SELECT + " WHERE c.code = ? FOR UPDATE OF c", Course::map, code)
        .orElseThrow(() -> new ServiceException.NotFound("course", code));
  }

  /** A page in code order after {@code page.after()}; only courses of {@code departmentId} when not null. */
  static List<Course> list(Connection c, Long departmentId, Listing page) throws SQLException {
    StringBuilder sql = new StringBuilder(Course.SELECT).append(" WHERE TRUE");
    List<Object> params = new ArrayList<>();
    if (departmentId != null) {
      sql.append(" AND c.department_id = ?");
      params.add(departmentId);
    }
    if (page.after() != null) {
      sql.append(" AND c.code > ?");
      params.add(page.after());
    }
    sql.append(" ORDER BY c.code LIMIT ?");
    params.add(page.fetch());
    return Jdbc.list(c, sql.toString(), Course::map, params.toArray());
  }

  static long insert(Connection c, String code, String title, long departmentId) throws SQLException {
    return Jdbc.returningLong(c, "INSERT INTO courses (code, title, department_id) VALUES (?, ?, ?) RETURNING id",
        code, title, departmentId);
  }

  static void update(Connection c, long id, String title, long departmentId) throws SQLException {
    Jdbc.update(c, "UPDATE courses SET title = ?, department_id = ?, updated_at = now() WHERE id = ?",
        title, departmentId, id);
  }

  /** Deletes the course unless something still names it (409 in_use). */
  static void delete(Connection c, Course course) throws SQLException {
    InUse.refuseIfReferenced(c, "code", "course " + course.code(), """
        SELECT (SELECT count(*) FROM offerings WHERE course_id = ?) AS offerings,
               (SELECT count(*) FROM grants WHERE scope_type = ? AND scope_id = ?) AS grants""",
        course.id(), Scope.Kind.COURSE.code(), course.id());
    Jdbc.update(c, "DELETE FROM courses WHERE id = ?", course.id());
  }
}
