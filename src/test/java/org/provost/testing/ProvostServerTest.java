package org.provost.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.TestAbortedException;
import org.provost.db.Jdbc;

/** The extension's own contract: what it starts it stops, and what a start that failed halfway made it removes. */
class ProvostServerTest {
  @Test
  void afterAll_stopsEveryInstance_andDropsTheDatabase() {
    ProvostServer server = ProvostServer.builder().admin().build();
    ExtensionContext context = context("[class:Started]");
    server.beforeAll(context);
    String jdbcUrl = server.jdbcUrl();
    TestServer second = server.another(Map.of());
    assertThat(server.http.get("/v1/me", server.admin()).status()).isEqualTo(200);
    assertThat(second.http.get("/v1/me", server.admin()).status()).isEqualTo(200);
    int firstPort = server.app().port();
    int secondPort = second.app().port();

    server.afterAll(context);

    assertThat(databaseExists(jdbcUrl)).isFalse();
    assertThat(accepts(firstPort)).as("first instance still listening").isFalse();
    assertThat(accepts(secondPort)).as("second instance still listening").isFalse();
    assertThatThrownBy(server::app).isInstanceOf(IllegalStateException.class).hasMessageContaining("not running");
  }

  @Test
  void aStartThatFailsHalfway_reportsTheFailure_andDropsTheDatabaseItMade() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      ProvostServer server = ProvostServer.builder()
          .config("PROVOST_HTTP_PORT", Integer.toString(taken.getLocalPort())).build();
      Throwable thrown = catchThrowable(() -> server.beforeAll(context("[class:Failing]")));
      if (thrown instanceof TestAbortedException noPostgres) throw noPostgres; // skipped, as every server test
      assertThat(thrown).as("a start on a taken port").isNotNull();
      assertThat(server.databaseMade()).isNotNull();
      assertThat(databaseExists(server.databaseMade())).isFalse();
      assertThatThrownBy(server::jdbcUrl).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void admin_withoutAskingForIt_isRefusedWithTheFix() {
    ProvostServer server = ProvostServer.builder().build();
    ExtensionContext context = context("[class:NoAdmin]");
    server.beforeAll(context);
    try {
      assertThatThrownBy(server::admin).isInstanceOf(IllegalStateException.class).hasMessageContaining(".admin()");
      assertThatThrownBy(server::redis).isInstanceOf(IllegalStateException.class).hasMessageContaining(".redis()");
    } finally {
      server.afterAll(context);
    }
  }

  /** A context that answers only its unique id, all the extension asks of it. */
  static ExtensionContext context(String uniqueId) {
    return (ExtensionContext) Proxy.newProxyInstance(ExtensionContext.class.getClassLoader(),
        new Class<?>[] {ExtensionContext.class}, (proxy, method, args) -> switch (method.getName()) {
          case "getUniqueId" -> uniqueId;
          case "toString" -> "context " + uniqueId;
          default -> throw new UnsupportedOperationException(method.getName());
        });
  }

  static boolean databaseExists(String jdbcUrl) {
    String name = jdbcUrl.replaceAll("^jdbc:postgresql://[^/]+/([^?]+).*$", "$1");
    try (Connection c = DriverManager.getConnection(TestDatabases.ADMIN_URL)) {
      return Jdbc.returningLong(c, "SELECT count(*) FROM pg_database WHERE datname = ?", name) > 0;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  static boolean accepts(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1_000);
      return true;
    } catch (IOException refused) {
      return false;
    }
  }
}
