package org.provost.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.provost.authz.AuthzIndex;
import org.provost.db.Changelog;
import org.provost.testing.Http.Response;
import org.provost.testing.MigratedDatabase;
import org.provost.testing.TestDatabases;
import org.provost.testing.TestServer;

/** The health bodies name the state (starting, ready, draining, database down, index behind) and the part failing. */
class ReadinessTest {
  @Test
  void aRunningServer_isLiveAndReady_withEachPartNamed() {
    try (TestServer server = TestServer.start()) {
      Response live = server.http.get("/health/live", null);
      assertThat(live.status()).isEqualTo(200);
      assertThat(live.json().getString("state")).isEqualTo("ready");
      Response ready = server.http.get("/health/ready", null);
      assertThat(ready.status()).isEqualTo(200);
      JsonObject body = ready.json();
      assertThat(body.getString("status")).isEqualTo("ready");
      assertThat(body.getBoolean("ready")).isTrue();
      assertThat(body.getJsonObject("checks").getJsonObject("database").getString("status")).isEqualTo("up");
      assertThat(body.getJsonObject("checks").getJsonObject("index").getString("status")).isEqualTo("current");
    }
  }

  @Test
  void startingAndDraining_areNotReady_andSaySo() {
    try (MigratedDatabase m = MigratedDatabase.create()) {
      Readiness readiness = new Readiness(m.db);
      assertThat(readiness.check().getString("status")).isEqualTo("starting");
      assertThat(readiness.check().getBoolean("ready")).isFalse();
      readiness.started();
      assertThat(readiness.check().getString("status")).isEqualTo("ready");
      readiness.draining();
      JsonObject draining = readiness.check();
      assertThat(draining.getString("status")).isEqualTo("draining");
      assertThat(draining.getString("failing")).isEqualTo("lifecycle");
    }
  }

  @Test
  void anIndexThatStopsApplyingChanges_isBehind() {
    try (MigratedDatabase m = MigratedDatabase.create(); AuthzIndex index = AuthzIndex.load(m.db)) {
      // a real index with no change feed: it never applies what is committed after it loaded
      Readiness readiness = new Readiness(m.db, Duration.ZERO);
      readiness.started(index::revision);
      assertThat(readiness.check().getString("status")).isEqualTo("ready");
      long revision = m.db.write(c -> Changelog.recordUser(c, 1L, org.provost.feed.Change.Op.UPDATE));
      JsonObject body = readiness.check();
      assertThat(body.getString("status")).isEqualTo("index_behind");
      assertThat(body.getString("failing")).isEqualTo("index");
      assertThat(body.getJsonObject("checks").getJsonObject("index").getLong("database_revision")).isEqualTo(revision);
      assertThat(body.getJsonObject("checks").getJsonObject("index").getLong("revision")).isLessThan(revision);
    }
  }

  @Test
  void aDatabaseThatGoesAway_isDatabaseDown() {
    try (MigratedDatabase m = MigratedDatabase.create()) {
      Readiness readiness = new Readiness(m.db);
      readiness.started();
      assertThat(readiness.check().getString("status")).isEqualTo("ready");
      TestDatabases.drop(m.jdbcUrl);
      JsonObject body = readiness.check();
      assertThat(body.getString("status")).isEqualTo("database_down");
      assertThat(body.getString("failing")).isEqualTo("database");
      assertThat(body.getJsonObject("checks").getJsonObject("database").getString("status")).isEqualTo("down");
    }
  }
}
