package org.provost.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.provost.error.ServiceException;
import org.provost.feed.Change;
import org.provost.testing.MigratedDatabase;

/**
 * The group commit's contract, on a real PostgreSQL: writes queued together commit in one transaction, a
 * write refused before its first change leaves nothing and does not stop the others, and anything else
 * (a refusal after a change, an SQL error) rolls the group back and runs every write again alone, in
 * arrival order. Groups are formed deterministically: the writer lock is held from outside while the writes
 * queue one after another, then let go.
 */
class GroupCommitTest {
  @RegisterExtension
  static final MigratedDatabase.PerClass database = MigratedDatabase.perClass();
  static ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();

  /** The probe table the writes append to; the extension has made the database by now. */
  @BeforeAll
  static void start() {
    database.db().write(c -> Jdbc.update(c, "CREATE TABLE group_probe (n bigserial PRIMARY KEY, label text NOT NULL,"
        + " saw bigint)"));
  }

  @AfterAll
  static void stop() {
    callers.shutdownNow(); // the extension closes the database after this
  }

  @BeforeEach
  void empty() {
    database.db().write(c -> Jdbc.update(c, "TRUNCATE group_probe"));
  }

  /** A write that records a change and appends {@code label}, noting how many rows it saw before it. */
  private static Database.Work<String> append(String label) {
    return c -> {
      Changelog.record(c, Change.Entity.ROLE, 0, Change.Op.UPDATE, Change.NO_USER);
      long saw = Jdbc.returningLong(c, "SELECT count(*) FROM group_probe");
      Jdbc.update(c, "INSERT INTO group_probe (label, saw) VALUES (?, ?)", label, saw);
      return label;
    };
  }

  /** Runs the writes as one group (when the committer takes them together) and returns each outcome. */
  private static List<String> grouped(List<Database.Work<String>> writes) throws Exception {
    GroupCommit committer = database.db().groupCommit();
    long groupsBefore = committer.groups();
    List<CompletableFuture<String>> answers = new ArrayList<>();
    try (Connection lock = DriverManager.getConnection(database.jdbcUrl())) {
      lock.setAutoCommit(false);
      Jdbc.returningLong(lock, "SELECT 1 FROM pg_advisory_xact_lock(?)", Changelog.LOCK_KEY);
      // a first write the committer takes alone and blocks on the lock with, so the rest queue behind it
      answers.add(CompletableFuture.supplyAsync(() -> database.db().writeGrouped(append("first")), callers));
      awaitLockWaiter(lock);
      for (int i = 0; i < writes.size(); i++) {
        Database.Work<String> w = writes.get(i);
        answers.add(CompletableFuture.supplyAsync(() -> database.db().writeGrouped(w), callers));
        awaitPending(committer, i + 2);
      }
      lock.commit();
    }
    List<String> out = new ArrayList<>();
    for (CompletableFuture<String> a : answers.subList(1, answers.size())) {
      try {
        out.add(a.get());
      } catch (java.util.concurrent.ExecutionException e) {
        out.add("refused: " + e.getCause().getMessage());
      }
    }
    assertThat(answers.getFirst().get()).isEqualTo("first");
    assertThat(committer.groups() - groupsBefore).as("the first alone, the rest together").isEqualTo(2);
    return out;
  }

  /**
   * Waits until another session waits for the writer lock that {@code lock} holds: the committer has taken a
   * write out of its queue and is inside its group. Counting pending writes is not enough: a write counts as
   * pending before the committer takes it, and writes queued before it does would join its group.
   */
  private static void awaitLockWaiter(Connection lock) throws Exception {
    long deadline = System.nanoTime() + 10_000_000_000L;
    String waiters = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
        + " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())";
    while (Jdbc.returningLong(lock, waiters) < 1) {
      if (System.nanoTime() > deadline) fail("nobody waits for the writer lock");
      Thread.sleep(1);
    }
  }

  private static void awaitPending(GroupCommit committer, int n) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (committer.pending() < n) {
      if (System.nanoTime() > deadline) fail("only " + committer.pending() + " of " + n + " writes queued");
      Thread.sleep(1);
    }
  }

  private static List<String> rows() {
    return database.db().read(c -> Jdbc.list(c, "SELECT label || ' saw ' || saw FROM group_probe ORDER BY n",
        rs -> rs.getString(1)));
  }

  /**
   * The committer's connection plans each statement once (its statements are key lookups; the audit rows'
   * insert over arrays was planned again at every group: docs/PERFORMANCE.md), but not behind a pooler in
   * transaction mode, where a session's setting would stay on a server connection another client is handed.
   */
  @Test
  void theCommittersConnection_plansEachStatementOnce_unlessBehindAPooler() throws Exception {
    assertThat(database.db().writeGrouped(GroupCommitTest::planCacheMode)).isEqualTo("force_generic_plan");
    assertThat(database.db().write(GroupCommitTest::planCacheMode)).as("the request pool's connections")
        .isEqualTo("auto");
    // a direct URL other than the primary's is how a pooler in front is configured (PROVOST_DATABASE_DIRECT_URL)
    String direct = database.jdbcUrl() + (database.jdbcUrl().contains("?") ? "&" : "?") + "ApplicationName=direct";
    try (Database pooled = Database.connect(database.jdbcUrl(), null, direct, database.config())) {
      assertThat(pooled.writeGrouped(GroupCommitTest::planCacheMode)).isEqualTo("auto");
    }
  }

  private static String planCacheMode(Connection c) throws java.sql.SQLException {
    return Jdbc.one(c, "SHOW plan_cache_mode", rs -> rs.getString(1)).orElseThrow();
  }

  @Test
  void writesQueuedTogether_commitInOneTransaction_eachSeeingTheOnesBefore() throws Exception {
    long changes = database.count("SELECT count(*) FROM changelog");
    assertThat(grouped(List.of(append("a"), append("b"), append("c")))).containsExactly("a", "b", "c");
    assertThat(rows()).containsExactly("first saw 0", "a saw 1", "b saw 2", "c saw 3");
    assertThat(database.count("SELECT count(*) FROM changelog")).isEqualTo(changes + 4);
  }

  @Test
  void aWriteRefusedBeforeItsFirstChange_leavesNothing_andTheOthersCommit() throws Exception {
    Database.Work<String> refused = c -> {
      throw new ServiceException.Forbidden("forbidden", "not yours");
    };
    assertThat(grouped(List.of(append("a"), refused, append("c"))))
        .containsExactly("a", "refused: not yours", "c");
    assertThat(rows()).containsExactly("first saw 0", "a saw 1", "c saw 2");
  }

  @Test
  void aWriteRefusedAfterItsChange_rollsTheGroupBack_andEachRunsAloneInArrivalOrder() throws Exception {
    long changes = database.count("SELECT count(*) FROM changelog");
    Database.Work<String> late = c -> {
      append("late").run(c);
      throw new ServiceException.Conflict("last_admin", "refused after its change", List.of());
    };
    assertThat(grouped(List.of(append("a"), late, append("c"), append("d"))))
        .containsExactly("a", "refused: refused after its change", "c", "d");
    // the late write's row and change are gone; the others ran again alone, in the order they came
    assertThat(rows()).containsExactly("first saw 0", "a saw 1", "c saw 2", "d saw 3");
    assertThat(database.count("SELECT count(*) FROM changelog")).isEqualTo(changes + 4);
  }

  @Test
  void anSqlErrorInAGroup_rollsItBack_andOnlyTheFailingWriteFails() throws Exception {
    Database.Work<String> broken = c -> {
      Jdbc.update(c, "INSERT INTO group_probe (label) VALUES (NULL)"); // violates NOT NULL
      return "never";
    };
    List<String> outcomes = grouped(List.of(append("a"), broken, append("c")));
    assertThat(outcomes.get(0)).isEqualTo("a");
    assertThat(outcomes.get(1)).startsWith("refused:");
    assertThat(outcomes.get(2)).isEqualTo("c");
    assertThat(rows()).containsExactly("first saw 0", "a saw 1", "c saw 2");
  }

  @Test
  void writesQueuedWhenTheCommitterStops_runAlone_andLaterWritesToo() throws Exception {
    try (MigratedDatabase other = MigratedDatabase.create()) {
      other.db.write(c -> Jdbc.update(c, "CREATE TABLE group_probe (n bigserial PRIMARY KEY, label text NOT NULL,"
          + " saw bigint)"));
      GroupCommit committer = other.db.groupCommit();
      CompletableFuture<String> inGroup;
      CompletableFuture<String> queued;
      try (Connection lock = DriverManager.getConnection(other.jdbcUrl)) {
        lock.setAutoCommit(false);
        Jdbc.returningLong(lock, "SELECT 1 FROM pg_advisory_xact_lock(?)", Changelog.LOCK_KEY);
        inGroup = CompletableFuture.supplyAsync(() -> other.db.writeGrouped(append("in group")), callers);
        awaitLockWaiter(lock);
        queued = CompletableFuture.supplyAsync(() -> other.db.writeGrouped(append("queued")), callers);
        awaitPending(committer, 2);
        // the committer is blocked on the lock inside its group: stopping it must not strand the queued write
        committer.close();
        lock.commit();
      }
      assertThat(inGroup.get(30, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("in group");
      assertThat(queued.get(30, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("queued");
      assertThat(other.db.writeGrouped(append("after"))).isEqualTo("after");
      List<String> labels = other.db.read(c -> Jdbc.list(c, "SELECT label FROM group_probe ORDER BY n",
          rs -> rs.getString(1)));
      assertThat(labels).containsExactlyInAnyOrder("in group", "queued", "after");
    }
  }
}
