package org.provost.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.provost.testing.TestDatabases;

/** V20 folds the identifiers of existing users, and refuses to run where two accounts would become one. */
class IdentifierMigrationTest {
  String url;

  @BeforeEach
  void database() {
    url = TestDatabases.create();
    flyway("12").migrate();
  }

  @AfterEach
  void drop() {
    TestDatabases.drop(url);
  }

  Flyway flyway(String target) {
    return Flyway.configure().dataSource(url, null, null)
        .locations("classpath:db/migration", "classpath:org/provost/db/migration").target(target).load();
  }

  void sql(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(url)) {
      c.createStatement().execute(sql);
    }
  }

  String one(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(url); var rs = c.createStatement().executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  @Test
  void clashingAccounts_stopTheMigration_listingEveryClash_andNothingChanges() throws SQLException {
    sql("""
        INSERT INTO users (username, email, type) VALUES
          ('Admin', 'a1@uni.example', 'staff'), ('admin', 'a2@uni.example', 'staff'),
          ('jose1', 'jos\u00e9@uni.example', 'student'), ('jose2', 'jose\u0301@uni.example', 'student'),
          ('bob', 'bob@uni.example', 'student'), ('bob2', 'bob@uni.example\u00a0', 'student'),
          ('carol', 'carol@uni.example', 'student')""");
    String message = "";
    try {
      flyway("latest").migrate();
    } catch (FlywayException e) {
      for (Throwable t = e; t != null; t = t.getCause()) message += t.getMessage() + "\n";
    }
    assertThat(message)
        .contains("username 'admin' is held by user 1 (Admin) user 2 (admin)")
        .contains("email 'jos\u00e9@uni.example' is held by user 3")
        .contains("email 'bob@uni.example' is held by user 5 (bob@uni.example) user 6");
    assertThat(one("SELECT count(*) FROM information_schema.columns WHERE table_name = 'users'"
        + " AND column_name = 'username_key'")).isEqualTo("0");
    assertThat(one("SELECT version FROM flyway_schema_history WHERE success ORDER BY installed_rank DESC LIMIT 1")).isEqualTo("12");
  }

  @Test
  void withoutClashes_existingRowsAreFolded_andTheKeysAreUnique() throws SQLException {
    sql("""
        INSERT INTO users (username, email, type) VALUES
          ('Admin', ' Admin@Uni.Example\u00a0', 'staff'), ('jose1', 'jose\u0301@uni.example', 'student')""");
    flyway("latest").migrate();
    assertThat(one("SELECT username_key || '|' || email_key || '|' || email FROM users WHERE id = 1"))
        .isEqualTo("admin|admin@uni.example|Admin@Uni.Example");
    assertThat(one("SELECT email_key FROM users WHERE id = 2")).isEqualTo("jos\u00e9@uni.example");
    assertThatThrownBy(() -> sql("INSERT INTO users (username, email, username_key, email_key, type)"
        + " VALUES ('ADMIN', 'x@uni.example', 'admin', 'x@uni.example', 'staff')"))
        .hasMessageContaining("users_username_fold_key");
  }
}
