package org.provost.directory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.provost.db.Jdbc;
import org.provost.error.ServiceException;

/** Terms in PostgreSQL. Every method runs inside the caller's transaction. */
final class TermStore {
  private TermStore() {}

  static Optional<Term> find(Connection c, String code) throws SQLException {
    return Jdbc.one(c, Term.SELECT + " WHERE t.code = ?", Term::map, code);
  }

  static Term get(Connection c, String code) throws SQLException {
    return find(c, code).orElseThrow(() -> new ServiceException.NotFound("term", code));
  }

  /** The row, locked until the transaction ends (before a delete). */
  static Term lock(Connection c, String code) throws SQLException {
    return Jdbc.one(c, Term.SELECT + " WHERE t.code = ? FOR UPDATE", Term::map, code)
        .orElseThrow(() -> new ServiceException.NotFound("term", code));
  }

  static List<Term> list(Connection c, Listing page) throws SQLException {
    List<Object> params = new ArrayList<>();
    String sql = Term.SELECT;
    if (page.after() != null) {
      sql += " WHERE t.code > ?";
      params.add(page.after());
    }
    params.add(page.fetch());
    return Jdbc.list(c, sql + " ORDER BY t.code LIMIT ?", Term::map, params.toArray());
  }

  static long insert(Connection c, String code, String name, LocalDate startsOn, LocalDate endsOn)
      throws SQLException {
    return Jdbc.returningLong(c,
        "INSERT INTO terms (code, name, starts_on, ends_on) VALUES (?, ?, ?, ?) RETURNING id",
        code, name, startsOn, endsOn);
  }

  static void update(Connection c, long id, String name, LocalDate startsOn, LocalDate endsOn)
      throws SQLException {
    Jdbc.update(c, "UPDATE terms SET name = ?, starts_on = ?, ends_on = ?, updated_at = now() WHERE id = ?",
        name, startsOn, endsOn, id);
  }

  /** Deletes the term unless offerings still run in it (409 in_use). */
  static void delete(Connection c, Term term) throws SQLException {
    InUse.refuseIfReferenced(c, "code", "term " + term.code(),
        "SELECT (SELECT count(*) FROM offerings WHERE term_id = ?) AS offerings", term.id());
    Jdbc.update(c, "DELETE FROM terms WHERE id = ?", term.id());
  }
}
