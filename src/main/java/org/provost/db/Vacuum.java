package org.provost.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * {@code VACUUM (ANALYZE)} of the tables a listing reads, for the moments that leave them without a visibility
 * map or statistics: a bulk load ({@code provost seed}, an applied import) and a migration that rewrote a
 * table. Without the map, an index-only scan visits the heap for every row (offset=5000 on the seeded
 * university: 5,001 heap pages, 3,200 instead of 5,900 requests/s); without statistics, a prefix search on
 * 10K matching users was planned for 65. Autovacuum would come late, or, where it is off, never.
 */
public final class Vacuum {
  /** Users, their grants and the directory; the audit, changelog and history tables are left to autovacuum. */
  static final String TABLES = "users, grants, departments, courses, terms, offerings";

  private Vacuum() {}

  /**
   * Vacuums and analyzes {@link #TABLES} on a connection of its own from {@code dataSource}, in autocommit (a
   * vacuum cannot run inside a transaction). Blocks neither reads nor writes; takes about as long as reading
   * the pages changed since the last vacuum (1.7 s for a freshly loaded 1M-user university, docs/PERFORMANCE.md).
   *
   * @throws IllegalStateException when the database refuses or cannot be reached
   */
  public static void readTables(DataSource dataSource) {
    try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
      if (!c.getAutoCommit()) c.setAutoCommit(true);
      st.execute("VACUUM (ANALYZE) " + TABLES);
    } catch (SQLException e) {
      throw new IllegalStateException("VACUUM (ANALYZE) " + TABLES + " failed: " + e.getMessage(), e);
    }
  }
}
