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
}
