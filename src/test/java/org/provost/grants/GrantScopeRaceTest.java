package org.provost.grants;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.provost.db.Jdbc;
import org.provost.testing.AccessFixture;
import org.provost.testing.Http.Response;
import org.provost.testing.ProvostServer;

/** Grants name their scope without a foreign key: a grant and its scope's deletion must not both succeed. */
class GrantScopeRaceTest {
  @RegisterExtension
  static final ProvostServer server = ProvostServer.builder().directory().build();
  static final AccessFixture fx = server.fixture();

  @Test
  void aGrantWrittenWhileItsOfferingIsDeleted_waits_thenIsRefused_andLeavesNoDanglingGrant() throws Exception {
    long user = fx.user("racer", "CS");
    long offering = fx.count("""
        SELECT o.id FROM offerings o JOIN courses c ON c.id = o.course_id WHERE c.code = 'CS202'""");
    try (Connection deleting = DriverManager.getConnection(server.jdbcUrl())) {
      deleting.setAutoCommit(false);
      // what a delete does first: lock the row, then find nothing naming it
      Jdbc.one(deleting, "SELECT id FROM offerings WHERE id = ? FOR UPDATE", rs -> true, offering);
      CompletableFuture<Response> grant = CompletableFuture.supplyAsync(() ->
          fx.tryGrant(fx.adminToken(), user, "teaching_assistant", "offering:CS202/2026-fall"));
      awaitALockWait(deleting);
      assertThat(grant).as("the grant waits for the deleting transaction").isNotDone();
      Jdbc.update(deleting, "DELETE FROM offerings WHERE id = ?", offering);
      deleting.commit();
      Response r = grant.get(10, TimeUnit.SECONDS);
      assertThat(r.status()).isEqualTo(400);
      assertThat(AccessFixture.fields(r)).containsExactly("scope");
    }
    assertThat(fx.count("SELECT count(*) FROM grants WHERE scope_type = 3 AND scope_id = ?", offering)).isZero();
  }

  /**
   * Waits until another session of this database is blocked on a lock: the grant's transaction has reached
   * the offering row (a fixed sleep would pass without testing the race on a slow machine).
   */
  private static void awaitALockWait(Connection deleting) throws Exception {
    try (Connection probe = DriverManager.getConnection(server.jdbcUrl())) {
      for (int i = 0; i < 600; i++) {
        boolean waiting = Jdbc.one(probe, """
            SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'
            LIMIT 1""", rs -> true).isPresent();
        if (waiting) return;
        Thread.sleep(50);
      }
    }
    throw new AssertionError("the grant never reached the locked offering");
  }
}
