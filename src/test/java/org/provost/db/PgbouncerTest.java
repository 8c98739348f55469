package org.provost.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.provost.testing.AccessFixture;
import org.provost.testing.Http.Response;
import org.provost.testing.LocalPostgres;
import org.provost.testing.TestDatabases;
import org.provost.testing.TestServer;

/**
 * Provost through a real pgbouncer in transaction pooling mode, configured by a copy of
 * deploy/pgbouncer/pgbouncer.ini: every kind of call works (logins, writes, listings, audit, checks at a
 * revision, which need the change feed's LISTEN on its direct connection), each statement many times over
 * and from 8 callers at once, so that a named prepared statement, which pgbouncer 1.18 cannot follow across
 * the server connections it shares out, would fail (checked: with prepareThreshold=5 the concurrent test fails).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES) // hang guard
class PgbouncerTest {
  static Path dir;
  static String database;
  static String direct;
  static TestServer server;
  static AccessFixture fx;

  @BeforeAll
  static void start() throws Exception {
    Path binary = Path.of("/usr/sbin/pgbouncer");
    if (!Files.isExecutable(binary)) TestDatabases.unavailable("pgbouncer is not installed (apt-get install pgbouncer)");
    direct = TestDatabases.create();
    database = direct.replaceAll("^jdbc:postgresql://[^/]+/([^?]+).*$", "$1");
    dir = Files.createTempDirectory("provost-pgbouncer-");
    int port = LocalPostgres.freePort();
    Files.writeString(dir.resolve("userlist.txt"), "\"postgres\" \"\"\n");
    String ini = Files.readString(Path.of("deploy/pgbouncer/pgbouncer.ini"))
        .replaceAll("(?m)^provost = (.*)dbname=provost ", database + " = $1dbname=" + database + " ")
        .replaceAll("(?m)^listen_port = .*$", "listen_port = " + port)
        .replaceAll("(?m)^auth_file = .*$", "auth_file = " + dir.resolve("userlist.txt"))
        .replaceAll("(?m)^pidfile = .*$", "pidfile = " + dir.resolve("pgbouncer.pid"))
        .replaceAll("(?m)^logfile = .*$", "logfile = " + dir.resolve("pgbouncer.log"));
    assertThat(ini).contains("pool_mode = transaction").contains(database + " = host=");
    Files.writeString(dir.resolve("pgbouncer.ini"), ini, StandardCharsets.UTF_8);
    if (LocalPostgres.asRoot()) LocalPostgres.asPostgres("chown", "-R", "postgres", dir.toString());
    LocalPostgres.asPostgres(binary.toString(), "-d", dir.resolve("pgbouncer.ini").toString());
    awaitListening(port);

    String pooled = "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=postgres";
    server = TestServer.startWith(direct, config -> Database.connect(pooled, null, direct, config), Map.of());
    fx = new AccessFixture(server).directory();
  }

  @AfterAll
  static void stop() throws IOException {
    if (server != null) server.close();
    if (dir != null && Files.exists(dir.resolve("pgbouncer.pid"))) {
      LocalPostgres.asPostgres("kill", Files.readString(dir.resolve("pgbouncer.pid")).trim());
    }
    if (direct != null) TestDatabases.drop(direct);
  }

  @Test
  void everyPath_worksThroughTransactionPooling_manyTimesOver() {
    String admin = fx.adminToken();
    for (int i = 0; i < 12; i++) {
      long user = fx.user("pooled" + i, "CS");
      JsonObject grant = fx.grant(admin, user, "teaching_assistant", "offering:CS101/2026-fall");
      Response allowed = server.http.get("/v1/check?subject=pooled" + i
          + "&permission=grades.write&resource=offering:CS101/2026-fall&at_least_revision="
          + grant.getLong("revision"), admin);
      assertThat(allowed.status()).as(allowed.toString()).isEqualTo(200);
      assertThat(allowed.json().getBoolean("allowed")).isTrue();

      String token = fx.login("pooled" + i);
      assertThat(server.http.get("/v1/me", token).status()).isEqualTo(200);
      assertThat(server.http.get("/v1/users?type=faculty", admin).status()).isEqualTo(200);
      assertThat(server.http.get("/v1/users?q=pooled", admin).status()).isEqualTo(200);
      assertThat(server.http.get("/v1/audit", admin).status()).isEqualTo(200);
      assertThat(server.http.get("/v1/departments", admin).status()).isEqualTo(200);
      assertThat(server.http.patch("/v1/users/" + user, admin, new JsonObject().put("display_name", "P " + i))
          .status()).isEqualTo(200);
      Response revoked = server.http.delete("/v1/grants/" + grant.getLong("id"), admin);
      assertThat(revoked.status()).as(revoked.toString()).isEqualTo(200);
      assertThat(server.http.delete("/v1/sessions/current", token).status()).isIn(200, 204);
    }
    assertThat(server.http.get("/health/ready", null).status()).isEqualTo(200);
  }

  @Test
  void concurrentReads_throughSharedServerConnections_allAnswer() throws Exception {
    String admin = fx.adminToken();
    java.util.List<String> paths = java.util.List.of("/v1/users?type=faculty", "/v1/audit", "/v1/departments",
        "/v1/roles", "/v1/users?q=a");
    java.util.List<java.util.concurrent.Future<java.util.List<Integer>>> workers = new java.util.ArrayList<>();
    try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      for (int w = 0; w < 8; w++) {
        workers.add(pool.submit(() -> {
          java.util.List<Integer> statuses = new java.util.ArrayList<>();
          for (int i = 0; i < 40; i++) statuses.add(server.http.get(paths.get(i % paths.size()), admin).status());
          return statuses;
        }));
      }
      for (var w : workers) assertThat(w.get()).containsOnly(200);
    }
  }

  private static void awaitListening(int port) throws InterruptedException {
    for (int i = 0; i < 200; i++) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    throw new IllegalStateException("pgbouncer did not listen on " + port + " (see " + dir.resolve("pgbouncer.log") + ")");
  }
}
