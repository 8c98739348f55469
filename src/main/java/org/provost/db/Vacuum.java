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
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Vacuum.class);
  /** Users, their grants and the directory; the audit, changelog and history tables are left to autovacuum. */
  static final String TABLES = "users, grants, departments, courses, terms, offerings";

  private Vacuum() {}

  /**
   * Vacuums and analyzes {@link #TABLES} on a connection of its own from {@code dataSource}, in autocommit (a
   * vacuum cannot run inside a transaction). Blocks neither reads nor writes (it waits behind another vacuum
   * of the same table, and may truncate empty pages at the end under a moment's exclusive lock); takes about
   * as long as reading the pages changed since the last vacuum (1.7 s for a freshly loaded 1M-user
   * university, docs/PERFORMANCE.md).
   *
   * <p>Never throws: it runs after a commit (a seed, an import, a migration), and a vacuum that fails (the
   * database gone a moment, a {@code statement_timeout} set on the role) must not make committed work look
   * failed, nor make a client retry an import it already applied. A failure is logged as a WARN naming the
   * statement for an operator to run later; until then listings read the heap and plans use older statistics.
   *
   * @return whether the vacuum ran
   */
  public static boolean readTables(DataSource dataSource) {
    try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
      if (!c.getAutoCommit()) c.setAutoCommit(true);
      st.execute("VACUUM (ANALYZE) " + TABLES);
      return true;
    } catch (SQLException e) {
      LOG.warn("VACUUM (ANALYZE) {} failed ({}); what was loaded is committed. Run that statement when convenient:"
          + " until then offset pages and searches read the table, not the index alone", TABLES, e.getMessage());
      return false;
    }
  }
}
