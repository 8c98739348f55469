package org.provost.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.provost.testing.TestDatabases;

class MigrationsTest {
  String url;

  @BeforeEach
  void database() {
    url = TestDatabases.create();
  }

  @AfterEach
  void drop() {
    TestDatabases.drop(url);
  }

  long one(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(url); var rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void migrate_thatRewritesUsers_leavesThemVacuumed_soIndexOnlyScansReadTheIndexAlone() throws SQLException {
    Flyway.configure().dataSource(url, null, null)
        .locations("classpath:db/migration", "classpath:org/provost/db/migration").target("40").load().migrate();
    try (Connection c = DriverManager.getConnection(url)) {
      c.createStatement().execute("""
          INSERT INTO users (username, email, username_key, email_key, display_name, type)
          SELECT 'm' || i, 'm' || i || '@mig.test', 'm' || i, 'm' || i || '@mig.test', 'M ' || i, 'student'
          FROM generate_series(1, 2000) i""");
      c.createStatement().execute("VACUUM (ANALYZE) users");
    }
    assertThat(one("SELECT relallvisible FROM pg_class WHERE oid = 'users'::regclass")).isPositive();

    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setURL(url);
    assertThat(Migrations.migrate(ds).migrationsExecuted).isPositive(); // V41 rewrites users (stored columns)

    // a rewritten table has no visibility map until VACUUM, and its new columns no statistics until ANALYZE
    assertThat(one("SELECT count(*) FROM pg_class WHERE oid = 'users'::regclass"
        + " AND (relpages = 0 OR relallvisible < relpages)")).isZero();
    assertThat(one("SELECT count(*) FROM pg_stats WHERE tablename = 'users' AND attname = 'username_lower'"))
        .isEqualTo(1);
  }

  @Test
  void aVacuumThatFails_isReportedFalse_notThrown() {
    // it runs after a commit (seed, import, migrate): throwing would make committed work look failed
    PGSimpleDataSource down = new PGSimpleDataSource();
    down.setURL("jdbc:postgresql://127.0.0.1:1/postgres?user=postgres&connectTimeout=2");
    assertThat(Vacuum.readTables(down)).isFalse();
  }

  /**
   * A backup taken with pg_dump must restore whole. After V41 it did not: the users change feed's trigger had
   * a whole-row WHEN clause, which PostgreSQL accepts on a table without generated columns (V21) but refuses
   * when the trigger is created on one that has them, so a restore lost the trigger (or stopped).
   */
  @Test
  void aDumpOfTheMigratedSchema_restoresWithEveryTrigger_andTheTriggerRenumbersOnlyRealChanges() throws Exception {
    java.nio.file.Path pgDump = java.nio.file.Path.of("/usr/bin/pg_dump");
    java.nio.file.Path psql = java.nio.file.Path.of("/usr/bin/psql");
    if (!java.nio.file.Files.isExecutable(pgDump) || !java.nio.file.Files.isExecutable(psql)) {
      TestDatabases.unavailable("pg_dump and psql are not installed (apt-get install postgresql-client)");
    }
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setURL(url);
    Migrations.migrate(ds);
    java.nio.file.Path dump = java.nio.file.Files.createTempFile("provost-dump", ".sql");
    String restored = TestDatabases.create();
    try {
      run(pgDump.toString(), "--file=" + dump, "--dbname=" + libpq(url));
      run(psql.toString(), "-q", "-v", "ON_ERROR_STOP=1", "--file=" + dump, "--dbname=" + libpq(restored));
      try (Connection c = DriverManager.getConnection(restored)) {
        var st = c.createStatement();
        var rs = st.executeQuery("SELECT count(*) FROM pg_trigger WHERE tgname = 'users_change_seq_bump'");
        rs.next();
        assertThat(rs.getLong(1)).as("the change feed's trigger, restored").isEqualTo(1);
        st.execute("""
            INSERT INTO users (username, email, username_key, email_key, display_name, type)
            VALUES ('r', 'r@mig.test', 'r', 'r@mig.test', 'R', 'student')""");
        long first = change(c);
        st.execute("UPDATE users SET display_name = display_name WHERE username = 'r'");
        assertThat(change(c)).as("an UPDATE that changes nothing keeps its number").isEqualTo(first);
        st.execute("UPDATE users SET display_name = 'Rae' WHERE username = 'r'");
        assertThat(change(c)).as("an UPDATE outside the application is renumbered").isGreaterThan(first);
      }
    } finally {
      java.nio.file.Files.deleteIfExists(dump);
      TestDatabases.drop(restored);
    }
  }

  private static long change(Connection c) throws SQLException {
    var rs = c.createStatement().executeQuery("SELECT change_seq FROM users WHERE username = 'r'");
    rs.next();
    return rs.getLong(1);
  }

  /** The JDBC URL as a libpq connection URI (host, port, database, user). */
  private static String libpq(String jdbcUrl) {
    java.util.regex.Matcher m = java.util.regex.Pattern
        .compile("^jdbc:postgresql://([^/]+)/([^?]+)(?:\\?(?:.*&)?user=([^&]+))?.*$").matcher(jdbcUrl);
    if (!m.matches()) throw new IllegalArgumentException("not a PostgreSQL JDBC URL: " + jdbcUrl);
    return "postgresql://" + (m.group(3) != null ? m.group(3) + "@" : "") + m.group(1) + "/" + m.group(2);
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as("%s: %s", command[0], out).isZero();
  }
}
