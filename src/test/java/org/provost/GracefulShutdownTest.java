package org.provost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.provost.testing.Http;
import org.provost.testing.TestDatabases;
import org.provost.testing.TestServer;

/**
 * Stopping an instance loses no request: readiness turns 503 first, then the listener closes while the
 * request in flight (held inside PostgreSQL by a row lock this test owns) still completes; the wait is
 * bounded; {@code provost serve} ended by SIGTERM exits 0.
 */
class GracefulShutdownTest {
  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @Test
  void drain_turnsReadinessTo503_andClosesEachConnectionAfterItsResponse() {
    try (TestServer server = TestServer.start()) {
      assertThat(server.http.get("/health/ready", null).status()).isEqualTo(200);
      server.app().drain();
      Http.Response ready = server.http.get("/health/ready", null);
      assertThat(ready.status()).isEqualTo(503);
      assertThat(ready.json().getString("status")).isEqualTo("draining");
      assertThat(ready.header("Connection")).isEqualTo("close");
      assertThat(server.http.get("/health/live", null).status()).isEqualTo(200); // still accepting
    }
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES) // a hang guard, not a speed assertion
  void close_stopsAccepting_butTheRequestInFlightCompletes() throws Exception {
    try (TestServer server = TestServer.start(); Connection lock = DriverManager.getConnection(server.jdbcUrl())) {
      String token = server.adminToken();
      long admin = lockAdminRow(lock);
      CompletableFuture<HttpResponse<String>> inFlight = patchDisplayName(server, admin, token, "Still Served");
      awaitBlockedOnLock(server.jdbcUrl());

      Thread closing = Thread.ofPlatform().start(server.app()::close);
      awaitRefused(server.app().port());
      assertThat(inFlight).isNotDone();
      lock.rollback(); // the request proceeds
      HttpResponse<String> answered = inFlight.get();
      closing.join();

      assertThat(answered.statusCode()).isEqualTo(200);
      assertThat(new JsonObject(answered.body()).getString("display_name")).isEqualTo("Still Served");
    }
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES) // a hang guard, not a speed assertion
  void close_waitsForRequestsInFlightOnlyUpToTheShutdownTimeout() throws Exception {
    try (TestServer server = TestServer.start(Map.of("PROVOST_SHUTDOWN_TIMEOUT", "300ms"));
        Connection lock = DriverManager.getConnection(server.jdbcUrl())) {
      String token = server.adminToken();
      long admin = lockAdminRow(lock);
      CompletableFuture<HttpResponse<String>> stuck = patchDisplayName(server, admin, token, "Never Served");
      awaitBlockedOnLock(server.jdbcUrl());

      Thread closing = Thread.ofPlatform().start(server.app()::close);
      closing.join(); // returns although the request is still held by the lock
      assertThat(closing.isAlive()).isFalse();
      lock.rollback();
      assertThatThrownBy(stuck::get).hasCauseInstanceOf(IOException.class); // cut, not answered
    }
  }

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES) // a hang guard, not a speed assertion
  void serve_endedBySigterm_exitsZero() throws Exception {
    String db = TestDatabases.create();
    try {
      List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
          "-cp", System.getProperty("java.class.path"), "org.provost.Provost", "serve"));
      int port;
      try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
        port = free.getLocalPort();
      }
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
      pb.environment().putAll(TestServer.settings(Map.of("PROVOST_DATABASE_URL", db,
          "PROVOST_SHUTDOWN_DRAIN_DELAY", "100ms", "PROVOST_HTTP_PORT", Integer.toString(port))));
      Process process = pb.start();
      try {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        Thread.ofVirtual().start(() -> out.lines().forEach(l -> {})); // keep the pipe drained
        awaitReady(new Http(port), process);

        process.destroy(); // SIGTERM
        assertThat(process.waitFor()).isEqualTo(0);
      } finally {
        process.destroyForcibly();
      }
    } finally {
      TestDatabases.drop(db);
    }
  }

  /** Polls readiness until 200 (the listener comes up first, answering 503 while it starts). */
  private static void awaitReady(Http http, Process process) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline && process.isAlive()) {
      try {
        if (http.get("/health/ready", null).status() == 200) return;
      } catch (RuntimeException notYet) {
        // not listening yet
      }
      Thread.sleep(50);
    }
    throw new AssertionError("provost serve never became ready (alive: " + process.isAlive() + ")");
  }

  private static long lockAdminRow(Connection lock) throws SQLException {
    lock.setAutoCommit(false);
    try (Statement st = lock.createStatement();
        ResultSet rs = st.executeQuery("SELECT id FROM users WHERE username = 'admin' FOR UPDATE")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static CompletableFuture<HttpResponse<String>> patchDisplayName(TestServer server, long user,
      String token, String name) {
    HttpRequest patch = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.app().port()
            + "/v1/users/" + user))
        .method("PATCH", HttpRequest.BodyPublishers.ofString(new JsonObject().put("display_name", name).encode()))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json").build();
    return CLIENT.sendAsync(patch, HttpResponse.BodyHandlers.ofString());
  }

  /** Returns once another session of this database waits for a lock (the PATCH, held by our row lock). */
  private static void awaitBlockedOnLock(String jdbcUrl) throws Exception {
    try (Connection probe = DriverManager.getConnection(jdbcUrl);
        Statement st = probe.createStatement()) {
      while (true) {
        try (ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            + " AND wait_event_type = 'Lock'")) {
          rs.next();
          if (rs.getInt(1) > 0) return;
        }
        Thread.sleep(20);
      }
    }
  }

  private static void awaitRefused(int port) throws InterruptedException {
    while (true) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        Thread.sleep(20);
      } catch (ConnectException refused) {
        return;
      } catch (IOException other) {
        return;
      }
    }
  }
}
