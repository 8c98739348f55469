package org.provost.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.provost.testing.Http;
import org.provost.testing.TestDatabases;
import org.provost.testing.TestServer;

/** While the service starts, it listens and says so: ready is 503 "starting", live is 200, the API is 503. */
class StartingStateTest {
  @Test
  void whileStarting_healthSaysStarting_andTheApiAnswers503_thenReady() throws Exception {
    String url = TestDatabases.create();
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    CompletableFuture<TestServer> starting;
    try (Connection holder = DriverManager.getConnection(url); var st = holder.createStatement()) {
      // the lock the first start takes to create the admin account: held here, start-up cannot finish
      st.execute("SELECT pg_advisory_lock(7447001)");
      starting = CompletableFuture.supplyAsync(() ->
          TestServer.startOn(url, true, Map.of("PROVOST_HTTP_PORT", String.valueOf(port)), Clock.systemUTC()));
      Http http = new Http(port);
      Http.Response ready = awaitListening(http, starting);
      assertThat(ready.status()).isEqualTo(503);
      assertThat(ready.json().getString("status")).isEqualTo("starting");
      Http.Response live = http.get("/health/live", null);
      assertThat(live.status()).isEqualTo(200);
      assertThat(live.json().getString("state")).isEqualTo("starting");
      Http.Response api = http.get("/v1/me", null);
      assertThat(api.status()).isEqualTo(503);
      assertThat(api.json().getString("code")).isEqualTo("starting");
      assertThat(starting).isNotDone();
      st.execute("SELECT pg_advisory_unlock(7447001)");
    }
    try (TestServer server = starting.get(120, TimeUnit.SECONDS)) {
      assertThat(server.http.get("/health/ready", null).status()).isEqualTo(200);
      assertThat(server.http.get("/v1/me", null).status()).isEqualTo(401);
    }
  }

  /** The first answer of /health/ready once the listener is up (connections are refused before). */
  private static Http.Response awaitListening(Http http, CompletableFuture<?> starting) throws Exception {
    for (int i = 0; i < 1200; i++) {
      if (starting.isDone()) starting.join(); // a start that failed: its exception, not a timeout
      try {
        return http.get("/health/ready", null);
      } catch (RuntimeException e) {
        Thread.sleep(50);
      }
    }
    throw new AssertionError("the listener never came up");
  }
}
