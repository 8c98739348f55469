package org.provost.directory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.provost.authz.Scope;
import org.provost.db.Jdbc;
import org.provost.error.ServiceException;

/** Course offerings in PostgreSQL. Every method runs inside the caller's transaction. */
final class OfferingStore {
  private OfferingStore() {}

  static Optional<Offering> find(Connection c, String course, String term) throws SQLException {
    return Jdbc.one(c, Offering.SELECT + " WHERE c.code = ? AND t.code = ?", Offering::map, course, term);
  }

  static Offering get(Connection c, String course, String term) throws SQLException {
    return find(c, course, term).orElseThrow(() -> new ServiceException.NotFound("offering", course + "/" + term));
  }

  /** The row, locked until the transaction ends (before a delete). */
  static Offering lock(Connection c, String course, String term) throws SQLException {
    return Jdbc.one(c, Offering.SELECT + " WHERE c.code = ? AND t.code = ? FOR UPDATE OF o", Offering::map,
        course, term).orElseThrow(() -> new ServiceException.NotFound("offering", course + "/" + term));
  }

  /**
   * A page in (course code, term code) order after the cursor {@code <course>/<term>}; filtered to one
   * course or term when those are not null.
   */
  static List<Offering> list(Connection c, Long courseId, Long termId, Listing page) throws SQLException {
    StringBuilder sql = new StringBuilder(Offering.SELECT).append(" WHERE TRUE");
    List<Object> params = new ArrayList<>();
    if (courseId != null) {
      sql.append(" AND o.course_id = ?");
      params.add(courseId);
    }
    if (termId != null) {
      sql.append(" AND o.term_id = ?");
      params.add(termId);
    }
    if (page.after() != null) {
      int slash = page.after().indexOf('/');
      if (slash < 0) throw new ServiceException.InvalidInput("after", "is not a cursor returned as next");
      sql.append(" AND (c.code, t.code) > (?, ?)");
      params.add(page.after().substring(0, slash));
      params.add(page.after().substring(slash + 1));
    }
    sql.append(" ORDER BY c.code, t.code LIMIT ?");
    params.add(page.fetch());
    return Jdbc.list(c, sql.toString(), Offering::map, params.toArray());
  }

  static long insert(Connection c, long courseId, long termId, Long capacity) throws SQLException {
    return Jdbc.returningLong(c,
        "INSERT INTO offerings (course_id, term_id, capacity) VALUES (?, ?, ?) RETURNING id",
        courseId, termId, capacity);
  }

  static void updateCapacity(Connection c, long id, Long capacity) throws SQLException {
    Jdbc.update(c, "UPDATE offerings SET capacity = ?::integer, updated_at = now() WHERE id = ?", capacity, id);
  }

  /** Deletes the offering unless grants are still scoped to it (409 in_use). */
  static void delete(Connection c, Offering offering) throws SQLException {
    InUse.refuseIfReferenced(c, "id", "offering " + offering.key(),
        "SELECT (SELECT count(*) FROM grants WHERE scope_type = ? AND scope_id = ?) AS grants",
        Scope.Kind.OFFERING.code(), offering.id());
    Jdbc.update(c, "DELETE FROM offerings WHERE id = ?", offering.id());
  }
}
