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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.provost.App;
import org.provost.config.Config;
import org.provost.testing.Http;
import org.provost.testing.LocalPostgres;
import org.provost.testing.TestServer;

/**
 * PostgreSQL stopped under a running instance (a private server, stopped for real): checks keep answering
 * from memory, every write answers 503 {@code database_unavailable} (it used to wait 3 s for the pool and
 * say {@code database_busy}), and writes work again by themselves once the server is back.
 */
class DatabaseOutageTest {
  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES) // hang guard: the recovery loop runs until a write succeeds
  void primaryStopped_checksAnswer_writesFailAsUnavailable_andRecoverByThemselves() throws Exception {
    try (LocalPostgres pg = LocalPostgres.start()) {
      try (Connection c = DriverManager.getConnection(pg.jdbcUrl("postgres")); Statement st = c.createStatement()) {
        st.execute("CREATE DATABASE provost");
      }
      Config config = Config.from(TestServer.settings(Map.of()));
      try (App app = App.start(config, Database.connect(pg.jdbcUrl("provost"), config), Clock.systemUTC())) {
        Http http = new Http(app.port());
        String token = http.login("admin", TestServer.ADMIN_PASSWORD);
        String check = "/v1/check?subject=admin&permission=users.read&resource=global";
        boolean allowed = http.get(check, token).json().getBoolean("allowed");

        pg.stop();
        for (int i = 0; i < 4; i++) {
          Http.Response write = http.post("/v1/departments", token, department("D" + i));
          assertThat(write.status()).as(write.toString()).isEqualTo(503);
          assertThat(write.json().getString("code")).isEqualTo("database_unavailable");
          Http.Response answered = http.get(check, token);
          assertThat(answered.status()).isEqualTo(200);
          assertThat(answered.json().getBoolean("allowed")).isEqualTo(allowed);
        }
        assertThat(http.get("/health/ready", null).status()).isEqualTo(503);

        pg.startServer();
        Http.Response write;
        do {
          Thread.sleep(100);
          write = http.post("/v1/departments", token, department("BACK"));
        } while (write.status() == 503);
        assertThat(write.status()).as(write.toString()).isEqualTo(201);
        assertThat(http.get("/health/ready", null).status()).isEqualTo(200);
      }
    }
  }

  private static JsonObject department(String code) {
    return new JsonObject().put("code", code).put("name", "Department " + code);
  }
}
