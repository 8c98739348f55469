package org.provost.provisioning;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import org.provost.db.Jdbc;

/**
 * Loads a seeded university's directory (schools, departments, courses, terms, offerings) through COPY into
 * temporary tables and {@code INSERT ... ON CONFLICT DO NOTHING}, so rows already present stay as they are.
 */
final class SeedDirectory {
  /** Rows new to the database, and the ids the people and grants refer to. */
  record Loaded(int departments, int courses, int terms, int offerings, long[] departmentIds,
      Map<String, Long> departmentIdByCode, Map<String, Long> offeringIdByName) {}

  private SeedDirectory() {}

  static Loaded load(Connection c, University u) throws SQLException {
    Seeder.execute(c, "CREATE TEMP TABLE seed_departments (code text, name text, parent text) ON COMMIT DROP",
        "CREATE TEMP TABLE seed_courses (code text, title text, department text) ON COMMIT DROP",
        "CREATE TEMP TABLE seed_terms (code text, name text, starts_on date, ends_on date) ON COMMIT DROP");
    try (CopyRows rows = CopyRows.into(c, "seed_departments", "code, name, parent")) {
      for (University.Department d : u.schools) rows.text(d.code()).text(d.name()).nul().endRow();
      for (University.Department d : u.departments) rows.text(d.code()).text(d.name()).text(d.parent()).endRow();
      rows.finish();
    }
    try (CopyRows rows = CopyRows.into(c, "seed_courses", "code, title, department")) {
      for (University.Course course : u.courses) {
        rows.text(course.code()).text(course.title()).text(u.departments.get(course.department()).code()).endRow();
      }
      rows.finish();
    }
    try (CopyRows rows = CopyRows.into(c, "seed_terms", "code, name, starts_on, ends_on")) {
      for (Terms.Term t : u.terms) {
        rows.text(t.code()).text(t.name()).text(t.startsOn().toString()).text(t.endsOn().toString()).endRow();
      }
      rows.finish();
    }
    int departments = Jdbc.update(c, """
        INSERT INTO departments (code, name) SELECT code, name FROM seed_departments WHERE parent IS NULL
        ON CONFLICT DO NOTHING""");
    departments += Jdbc.update(c, """
        INSERT INTO departments (code, name, parent_id)
        SELECT s.code, s.name, p.id FROM seed_departments s JOIN departments p ON p.code = s.parent
        ON CONFLICT DO NOTHING""");
    int courses = Jdbc.update(c, """
        INSERT INTO courses (code, title, department_id)
        SELECT s.code, s.title, d.id FROM seed_courses s JOIN departments d ON d.code = s.department
        ON CONFLICT DO NOTHING""");
    int terms = Jdbc.update(c, """
        INSERT INTO terms (code, name, starts_on, ends_on) SELECT code, name, starts_on, ends_on FROM seed_terms
        ON CONFLICT DO NOTHING""");
    int offerings = Jdbc.update(c, """
        INSERT INTO offerings (course_id, term_id)
        SELECT co.id, t.id FROM seed_courses sc JOIN courses co ON co.code = sc.code
        CROSS JOIN seed_terms st JOIN terms t ON t.code = st.code
        ORDER BY co.id, t.id
        ON CONFLICT DO NOTHING""");

    Map<String, Long> departmentIds = new HashMap<>();
    Jdbc.list(c, "SELECT d.code, d.id FROM departments d JOIN seed_departments s ON s.code = d.code",
        rs -> departmentIds.put(rs.getString(1), rs.getLong(2)));
    long[] byIndex = new long[u.departments.size()];
    for (int i = 0; i < byIndex.length; i++) byIndex[i] = departmentIds.get(u.departments.get(i).code());
    Map<String, Long> offeringIds = new HashMap<>();
    Jdbc.list(c, """
        SELECT co.code || '/' || t.code, o.id FROM offerings o
        JOIN courses co ON co.id = o.course_id JOIN seed_courses sc ON sc.code = co.code
        JOIN terms t ON t.id = o.term_id JOIN seed_terms st ON st.code = t.code""",
        rs -> offeringIds.put(rs.getString(1), rs.getLong(2)));
    return new Loaded(departments, courses, terms, offerings, byIndex, departmentIds, offeringIds);
  }
}
