package org.provost.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.provost.App;
import org.provost.config.Config;
import org.provost.testing.Http;
import org.provost.testing.TestServer;

/** The default for a new user: no PROVOST_DATABASE_URL, a real PostgreSQL under PROVOST_DATA_DIR. */
class EmbeddedDatabaseTest {
  @TempDir Path dataDir;

  @Test
  void withoutDatabaseUrl_startsEmbeddedPostgres_andKeepsDataAcrossRestarts() throws Exception {
    Config config = Config.from(TestServer.settings(Map.of("PROVOST_DATA_DIR", dataDir.toString())));
    assertThat(config.databaseUrl()).isEmpty();
    long userId;
    try (App app = App.start(config, Database.open(config), Clock.systemUTC())) {
      Http http = new Http(app.port());
      String admin = http.login("admin", TestServer.ADMIN_PASSWORD);
      Http.Response created = http.post("/v1/users", admin, new JsonObject().put("username", "kept")
          .put("email", "kept@uni.example").put("type", "staff"));
      assertThat(created.status()).isEqualTo(201);
      userId = created.json().getLong("id");
    }
    assertThat(Files.isDirectory(dataDir.resolve("pg"))).isTrue();
    try (App app = App.start(config, Database.open(config), Clock.systemUTC())) {
      Http http = new Http(app.port());
      String admin = http.login("admin", TestServer.ADMIN_PASSWORD);
      assertThat(http.get("/v1/users/" + userId, admin).json().getString("username")).isEqualTo("kept");
      assertThat(http.get("/health/ready", null).status()).isEqualTo(200);
    }
  }
}
