package org.provost.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.provost.App;
import org.provost.config.Config;
import org.provost.testing.Http;
import org.provost.testing.LocalPostgres;
import org.provost.testing.TestServer;

/**
 * A real streaming replica (pg_basebackup from a private primary): listings are served by the replica when
 * it has caught up, by the primary right after this instance wrote and while the replica's replay is paused
 * (read-your-writes), by the primary when the replica lags beyond the limit, and by the primary, without an
 * error, when the replica is down.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES) // hang guard: each "until" below loops until its state holds
class ReplicaRoutingTest {
  static LocalPostgres primary;
  static LocalPostgres replica;
  static App app;
  static Http http;
  static String token;

  @BeforeAll
  static void start() throws SQLException {
    primary = LocalPostgres.start();
    try (Connection c = DriverManager.getConnection(primary.jdbcUrl("postgres")); Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE provost");
    }
    replica = primary.streamingReplica();
    Config config = Config.from(TestServer.settings(Map.of("PROVOST_DATABASE_REPLICA_MAX_LAG", "500ms")));
    Database db = Database.connect(primary.jdbcUrl("provost"), replica.jdbcUrl("provost"),
        primary.jdbcUrl("provost"), config);
    app = App.start(config, db, Clock.systemUTC());
    http = new Http(app.port());
    token = http.login("admin", TestServer.ADMIN_PASSWORD);
  }

  @AfterAll
  static void stop() {
    if (app != null) app.close();
    if (replica != null) replica.close();
    if (primary != null) primary.close();
  }

  static boolean readServedByReplica() {
    return app.database().read(c -> {
      try (Statement st = c.createStatement(); var rs = st.executeQuery("SELECT pg_is_in_recovery()")) {
        rs.next();
        return rs.getBoolean(1);
      }
    });
  }

  static void untilReplicaServes() throws InterruptedException {
    while (!readServedByReplica()) Thread.sleep(20);
  }

  static void replay(boolean on) throws SQLException {
    try (Connection c = DriverManager.getConnection(replica.jdbcUrl("provost")); Statement st = c.createStatement()) {
      st.execute(on ? "SELECT pg_wal_replay_resume()" : "SELECT pg_wal_replay_pause()");
    }
  }

  @Test
  void caughtUpReplica_servesListings_andAWriteIsReadBackAtOnceWhileReplayIsPaused() throws Exception {
    untilReplicaServes();
    long before = app.database().replicaReads();
    assertThat(http.get("/v1/departments", token).status()).isEqualTo(200);
    assertThat(app.database().replicaReads()).isGreaterThan(before);

    replay(false);
    try {
      Http.Response made = http.post("/v1/departments", token, new JsonObject().put("code", "RYW").put("name", "R"));
      assertThat(made.status()).isEqualTo(201);
      assertThat(readServedByReplica()).isFalse(); // the replica has not replayed our write
      assertThat(http.get("/v1/departments", token).items().stream()
          .map(d -> ((JsonObject) d).getString("code"))).contains("RYW");
    } finally {
      replay(true);
    }
    untilReplicaServes(); // once replayed, the replica serves again
  }

  @Test
  void replicaLaggingBeyondTheLimit_isNotRead_evenWithoutAWriteOfOurs() throws Exception {
    untilReplicaServes();
    replay(false);
    try (Connection other = DriverManager.getConnection(primary.jdbcUrl("provost"));
        Statement st = other.createStatement()) {
      // another instance's writes: this one's read-your-writes position does not cover them
      st.execute("CREATE TABLE IF NOT EXISTS lag_probe (x int)");
      while (readServedByReplica()) {
        st.execute("INSERT INTO lag_probe VALUES (1)");
        Thread.sleep(50);
      }
      assertThat(http.get("/v1/departments", token).status()).isEqualTo(200);
    } finally {
      replay(true);
    }
    untilReplicaServes();
  }

  @Test
  void replicaDown_readsFallBackToThePrimary_withoutErrors() throws Exception {
    untilReplicaServes();
    replica.stop();
    try {
      for (int i = 0; i < 5; i++) {
        assertThat(http.get("/v1/departments", token).status()).isEqualTo(200);
        assertThat(http.get("/v1/audit", token).status()).isEqualTo(200);
      }
      assertThat(readServedByReplica()).isFalse();
    } finally {
      replica.startServer();
    }
    untilReplicaServes(); // found again by the probe
  }
}
