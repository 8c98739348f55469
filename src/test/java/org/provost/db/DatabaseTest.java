package org.provost.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.provost.config.Config;
import org.provost.error.ServiceException;
import org.provost.testing.TestDatabases;

class DatabaseTest {
  static String url;
  static Database db;

  @BeforeAll
  static void start() {
    url = TestDatabases.create();
    db = Database.connect(url, Config.from(Map.of("PROVOST_DB_POOL_MIN_IDLE", "1", "PROVOST_DB_POOL_MAX_SIZE", "2")));
    Migrations.migrate(db.primary());
  }

  @AfterAll
  static void stop() {
    if (db != null) db.close();
    if (url != null) TestDatabases.drop(url);
  }

  @Test
  void everyConnection_hasPostgresJitOff() throws Exception {
    // with JIT on, a generic plan of the /v1/me query spent 358 ms compiling for 1 ms of work
    String onRead = db.read(c -> Jdbc.one(c, "SHOW jit", rs -> rs.getString(1)).orElseThrow());
    String onWrite = db.write(c -> Jdbc.one(c, "SHOW jit", rs -> rs.getString(1)).orElseThrow());
    assertThat(onRead).isEqualTo("off");
    assertThat(onWrite).isEqualTo("off");
    try (Connection own = db.openDedicated(); var st = own.createStatement(); var rs = st.executeQuery("SHOW jit")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualTo("off");
    }
  }

  @Test
  void write_rollsBackEverything_whenTheWorkThrows() {
    try {
      db.write(c -> {
        Jdbc.update(c, "INSERT INTO permissions (name) VALUES ('rolled.back')");
        throw new ServiceException.InvalidInput("x", "fails after a write");
      });
    } catch (ServiceException.InvalidInput expected) {
      // the write must be gone
    }
    java.util.Optional<Boolean> left = db.read(c -> Jdbc.one(c, "SELECT 1 FROM permissions WHERE name = 'rolled.back'",
        rs -> true));
    assertThat(left).isEmpty();
  }

  @Test
  void uniqueViolation_becomesConflictNamingTheField() {
    db.write(c -> Jdbc.update(c, "INSERT INTO permissions (name) VALUES ('dup.name')"));
    try {
      db.write(c -> Jdbc.update(c, "INSERT INTO permissions (name) VALUES ('dup.name')"));
      throw new AssertionError("expected a conflict");
    } catch (ServiceException.Conflict e) {
      assertThat(e.errors()).extracting(ServiceException.FieldError::field).containsExactly("name");
    }
  }

  @Test
  void aDrainedPool_answersUnavailable_notAnInternalError() throws Exception {
    Connection a = db.primary().getConnection();
    Connection b = db.primary().getConnection();
    try {
      db.read(c -> 1);
      throw new AssertionError("expected the pool to be exhausted");
    } catch (ServiceException.Unavailable e) {
      assertThat(e.code()).isEqualTo("database_busy");
    } finally {
      a.close();
      b.close();
    }
  }
}
