package org.provost.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.provost.testing.Http;
import org.provost.testing.LocalPostgres;
import org.provost.testing.TestDatabases;
import org.provost.testing.TestServer;

/**
 * A real nginx with deploy/nginx/provost.conf (its ports rewritten as deploy/cluster does) in front of two
 * instances: X-Forwarded-For reaches Provost and names the client (the per-address login limit counts it),
 * and with one instance gone, GETs and even POSTs (refused before they were sent) reach the other.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES) // hang guard
class NginxFrontTest {
  static TestServer a;
  static TestServer b;
  static Path dir;
  static Http front;

  @BeforeAll
  static void start() throws Exception {
    Path nginx = Path.of("/usr/sbin/nginx");
    if (!Files.isExecutable(nginx)) TestDatabases.unavailable("nginx is not installed (apt-get install nginx)");
    Map<String, String> settings = Map.of("PROVOST_LOGIN_MAX_FAILURES_PER_ADDRESS", "3");
    a = TestServer.start(settings);
    b = a.another(settings);
    dir = Files.createTempDirectory("provost-nginx-");
    int port = LocalPostgres.freePort();
    Files.writeString(dir.resolve("nginx.conf"), config(port, List.of(a.app().port(), b.app().port())),
        StandardCharsets.UTF_8);
    run(nginx.toString(), "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString(),
        "-e", dir.resolve("error.log").toString());
    awaitListening(port);
    front = new Http(port);
  }

  /** deploy/nginx/provost.conf inside a minimal main config, with these ports (as deploy/cluster writes it). */
  static String config(int listen, List<Integer> instances) throws IOException {
    StringBuilder servers = new StringBuilder();
    for (int p : instances) servers.append("  server 127.0.0.1:").append(p).append(" max_fails=1 fail_timeout=2s;\n");
    String snippet = Files.readString(Path.of("deploy/nginx/provost.conf"))
        .replaceAll("(?m)^.*# cluster: instances\\n", "")
        .replaceAll("(?m)^(\\s*)listen .*# cluster: listen$", "$1listen 127.0.0.1:" + listen + ";")
        .replace("  least_conn;\n", "  least_conn;\n" + servers);
    assertThat(snippet).contains("listen 127.0.0.1:" + listen + ";").contains("least_conn;");
    return "worker_processes 1; pid " + dir.resolve("nginx.pid") + "; error_log " + dir.resolve("error.log") + ";\n"
        + "events { worker_connections 256; }\n"
        + "http { access_log off; client_body_temp_path " + dir.resolve("body") + "; proxy_temp_path "
        + dir.resolve("proxy") + ";\n" + snippet + "}\n";
  }

  @AfterAll
  static void stop() throws IOException {
    if (dir != null && Files.exists(dir.resolve("nginx.pid"))) {
      run("kill", Files.readString(dir.resolve("nginx.pid")).trim());
    }
    if (b != null) b.close();
    if (a != null) a.close();
  }

  static int failedLogin(String user, String forwardedFor) {
    return front.sendWithHeader("POST", "/v1/sessions", "X-Forwarded-For", forwardedFor,
        new JsonObject().put("username", user).put("password", "wrong-password-123").encode()).status();
  }

  @Test
  void forwardedFor_isPassedThrough_andNamesTheClientForTheLoginLimit() {
    List<Integer> first = new ArrayList<>();
    for (int i = 0; i < 8; i++) first.add(failedLogin("nobody" + i, "198.51.100.7"));
    assertThat(first).contains(429); // 8 failures from one address, 3 allowed per instance
    assertThat(failedLogin("nobody-else", "198.51.100.8")).isEqualTo(401); // another client is not limited
  }

  @Test
  void oneInstanceGone_getsAndRefusedPostsReachTheOther() {
    String token = front.login("admin", TestServer.ADMIN_PASSWORD);
    a.app().close(); // its port now refuses connections
    for (int i = 0; i < 6; i++) {
      assertThat(front.get("/v1/departments", token).status()).isEqualTo(200);
      assertThat(front.post("/v1/sessions", null, new JsonObject().put("username", "admin")
          .put("password", TestServer.ADMIN_PASSWORD)).status()).isEqualTo(201);
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
    throw new IllegalStateException("nginx did not listen on " + port + " (see " + dir.resolve("error.log") + ")");
  }

  private static void run(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.waitFor() != 0) throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(String.join(" ", command) + " could not run", e);
    }
  }
}
