package org.provost.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.provost.ops.ThreadPriority;
import org.provost.testing.AccessFixture;
import org.provost.testing.Http.Response;
import org.provost.testing.ProvostServer;

/**
 * On a saturated machine the cores go to the event loops first: the threads that run the SQL lane's requests,
 * the group commit and the password hashes run PROVOST_LANE_NICE steps below the process (here 7, a value no
 * other test server uses), and the event loops at the process's own priority. A request is caught while it
 * runs (blocked on a table the test holds locked) to see which thread runs it and at what priority.
 */
class LanePriorityTest {
  static final int NICE = 7;
  @RegisterExtension
  static final ProvostServer servers = ProvostServer.builder().directory()
      .config(Map.of("PROVOST_LANE_NICE", Integer.toString(NICE))).build();
  static final AccessFixture fx = servers.fixture();
  static int base;
  /** Another instance, at the default priority: it makes the tokens this class's instance has not seen. */
  static org.provost.testing.TestServer other;

  @BeforeAll
  static void perThreadNice() {
    OptionalInt nice = ThreadPriority.currentNice();
    assumeTrue(nice.isPresent(), "this system has no /proc/thread-self: no per-thread nice value to read");
    base = nice.getAsInt();
    assumeTrue(base + 10 <= 19, "the tests run at nice " + base + ": too low a priority to lower by 10");
    fx.user("pia", "CS");
    other = servers.another(Map.of());
  }

  @Test
  void aListing_runsOnAnSqlThread_belowTheEventLoops() throws Exception {
    try (Connection lock = servers.app().database().primary().getConnection()) {
      lock.setAutoCommit(false);
      try (var st = lock.createStatement()) {
        st.execute("LOCK TABLE users IN ACCESS EXCLUSIVE MODE");
      }
      CompletableFuture<Response> listing = CompletableFuture.supplyAsync(() ->
          servers.instance().http.get("/v1/users?limit=5", fx.adminToken()));
      Thread runner = awaitRunner("UserRoutes", "", listing);
      assertThat(runner.getName()).startsWith("provost-sql-");
      assertThat(nicesOf(runner.getName())).as("nice of the %s threads", runner.getName()).contains(base + NICE);
      lock.rollback();
      assertThat(listing.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
    }
    List<Integer> loops = nicesOf("vert.x-eventloo"); // comm holds 15 characters of the thread's name
    assertThat(loops).as("event loops").isNotEmpty().containsOnly(base);
  }

  @Test
  void aPasswordSetOnTheSqlLane_isHashedOnTheHashThreads_atTheirPriority() {
    Response created = servers.instance().http.post("/v1/users", fx.adminToken(), new JsonObject()
        .put("username", "quinn").put("email", "quinn@example.edu").put("display_name", "Quinn").put("type", "staff")
        .put("password", "a-long-enough-password-1"));
    assertThat(created.status()).as("%s", created).isEqualTo(201);
    // the hash threads live 30 s after their last hash; a hash thread created by a lowered SQL thread
    // inherits its priority and stays there (7, not 14). Other hashers of this JVM run at the default 10
    // (servers) or at the process's priority (command-line tools), never lower than 10
    assertThat(nicesOf("provost-hash-")).as("hash threads of this JVM").contains(base + NICE)
        .allMatch(n -> n <= base + 10);
    assertThat(servers.instance().http.login("quinn", "a-long-enough-password-1")).isNotBlank();
    assertThat(nicesOf("provost-sql-")).as("SQL threads of this JVM").allMatch(n -> n <= base + 10);
  }

  @Test
  void aTokenNotSeenBefore_isLoadedOnAFillThread_atTheEventLoopsPriority() throws Exception {
    String token = other.http.login("pia", AccessFixture.PASSWORD); // made on the other instance
    try (Connection lock = servers.app().database().primary().getConnection()) {
      lock.setAutoCommit(false);
      try (var st = lock.createStatement()) {
        st.execute("LOCK TABLE sessions IN ACCESS EXCLUSIVE MODE");
      }
      CompletableFuture<Response> me = CompletableFuture.supplyAsync(() -> servers.instance().http.get("/v1/me",
          token));
      Thread runner = awaitRunner("SessionService", "load", me);
      assertThat(runner.getName()).startsWith("provost-fills-");
      assertThat(nicesOf(runner.getName())).as("nice of the %s threads", runner.getName()).contains(base)
          .allMatch(n -> n == base);
      lock.rollback();
      assertThat(me.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
    }
  }

  @Test
  void aTokenOfNoKnownForm_is401InvalidToken_onAnyLane() {
    Response r = servers.instance().http.get("/v1/users?limit=1", "not-a-provost-token");
    assertThat(r.status()).as("%s", r).isEqualTo(401);
    assertThat(r.json().getString("code")).isEqualTo("invalid_token");
  }

  @Test
  void theGroupCommitter_runsBelowTheEventLoops() {
    fx.grant(fx.adminToken(), fx.id("pia"), "teaching_assistant", "offering:CS101/2026-fall");
    assertThat(nicesOf("provost-group-commit-")).as("group committers of this JVM's servers")
        .contains(base + NICE);
  }

  /**
   * The thread of this JVM whose stack holds a method of {@code type} (named {@code method}, or any when it is
   * empty) while {@code request} has not been answered.
   */
  private static Thread awaitRunner(String type, String method, CompletableFuture<Response> request)
      throws InterruptedException {
    for (int i = 0; i < 1_000; i++) {
      for (var e : Thread.getAllStackTraces().entrySet()) {
        for (StackTraceElement f : e.getValue()) {
          if (f.getClassName().endsWith("." + type) && (method.isEmpty() || f.getMethodName().equals(method))) {
            return e.getKey();
          }
        }
      }
      assertThat(request).as("the request ended before it was seen running").isNotDone();
      Thread.sleep(10);
    }
    throw new AssertionError("no thread ran " + type + " within 10 s");
  }

  /** The nice values of this process's threads whose name (as the kernel keeps it) starts with {@code prefix}. */
  private static List<Integer> nicesOf(String prefix) {
    List<Integer> nices = new ArrayList<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path task : tasks.toList()) {
        try {
          String comm = Files.readString(task.resolve("comm")).strip();
          if (comm.startsWith(prefix.length() > 15 ? prefix.substring(0, 15) : prefix)) {
            nices.add(ThreadPriority.niceOf(Files.readString(task.resolve("stat"))));
          }
        } catch (IOException gone) {
          // the thread ended while the list was read
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return nices;
  }
}
