package org.provost.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.provost.logs.LogFormat;
import org.provost.testing.CapturedLogs;
import org.provost.testing.Http.Response;
import org.provost.testing.TestServer;

/**
 * Drives logins, password changes, sessions and API keys through a server logging everything (DEBUG,
 * JSON lines, access log, every statement a slow query), then searches all of it (standard output and
 * error, every log event in both formats, and {@code /metrics}) for each secret used and each stored hash.
 */
class SecretsNotLoggedTest {
  @Test
  void passwordsTokensKeysAndHashes_appearInNoLogAndNoMetric() throws Exception {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    List<String> secrets = new ArrayList<>();
    String captured;
    String metrics;
    try (CapturedLogs logs = new CapturedLogs(Level.DEBUG)) {
      System.setOut(new PrintStream(new TeeStream(console, out), true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(new TeeStream(console, err), true, StandardCharsets.UTF_8));
      try (TestServer server = TestServer.start(Map.of("PROVOST_LOG_FORMAT", "json", "PROVOST_ACCESS_LOG", "true",
          "PROVOST_SLOW_QUERY_THRESHOLD", "1ms", "PROVOST_LOGIN_MAX_FAILURES", "2"))) {
        secrets.add(TestServer.ADMIN_PASSWORD);
        String admin = server.adminToken();
        secrets.add(admin);
        String first = "first-Secret-pass-8f3a";
        String second = "second-Secret-pass-91cd";
        String wrong = "wrong-Secret-guess-77ab";
        String broken = "broken-Secret-body-5e21";
        secrets.addAll(List.of(first, second, wrong, broken));
        Response created = server.http.post("/v1/users", admin, new JsonObject().put("username", "sam")
            .put("email", "sam@uni.test").put("type", "staff").put("password", first));
        assertThat(created.status()).isEqualTo(201);
        long sam = created.json().getLong("id");
        String t1 = server.http.login("sam", first);
        secrets.add(t1);
        assertThat(server.http.post("/v1/sessions", null,
            new JsonObject().put("username", "sam").put("password", wrong)).status()).isEqualTo(401);
        assertThat(server.http.patch("/v1/users/" + sam, admin, new JsonObject().put("password", second)).status())
            .isEqualTo(200);
        String t2 = server.http.login("sam", second);
        secrets.add(t2);
        assertThat(server.http.send("POST", "/v1/sessions", null,
            "{\"username\":\"sam\",\"password\":\"" + broken + "\"", "application/json").status()).isEqualTo(400);
        assertThat(server.http.post("/v1/sessions", null, new JsonObject().put("username", "sam")
            .put("password", broken).put("extra", broken)).status()).isEqualTo(400);
        for (int i = 0; i < 3; i++) {
          server.http.post("/v1/sessions", null, new JsonObject().put("username", "nobody").put("password", wrong));
        }
        String key = server.http.post("/v1/clients", admin, new JsonObject().put("name", "secret-test"))
            .json().getString("key");
        secrets.add(key);
        assertThat(server.http.get("/v1/check?subject=sam&permission=grades.write", key).status()).isEqualTo(200);
        assertThat(server.http.get("/v1/me", t2).status()).isEqualTo(200);
        String forgedSession = "pvs_forged-Secret-token-0c4d1e";
        String forgedKey = "pvk_forged-Secret-key-a9b8c7";
        secrets.addAll(List.of(forgedSession, forgedKey));
        assertThat(server.http.get("/v1/me", forgedSession).status()).isEqualTo(401);
        assertThat(server.http.get("/v1/check?subject=sam&permission=x", forgedKey).status()).isEqualTo(401);
        assertThat(server.http.delete("/v1/sessions/current", t2).status()).isEqualTo(204);
        assertThat(server.http.get("/v1/me", t2).status()).isEqualTo(401);
        try (var c = java.sql.DriverManager.getConnection(server.jdbcUrl()); var st = c.createStatement()) {
          try (var rs = st.executeQuery("SELECT password_hash FROM users WHERE password_hash IS NOT NULL")) {
            while (rs.next()) secrets.add(rs.getString(1));
          }
          for (String q : new String[] {"SELECT token_hash FROM sessions", "SELECT key_hash FROM api_clients"}) {
            try (var rs = st.executeQuery(q)) {
              while (rs.next()) secrets.add(HexFormat.of().formatHex(rs.getBytes(1)));
            }
          }
        }
        metrics = server.http.get("/metrics", null).body();
      } finally {
        System.setOut(out);
        System.setErr(err);
        LogFormat.apply(LogFormat.TEXT);
      }
      captured = logs.rendered();
    }
    String all = captured + console.toString(StandardCharsets.UTF_8) + metrics;
    // the search covers something: access lines, slow-query lines, JSON lines on the console
    assertThat(captured).contains("provost.access").contains("slow query").contains("\"request_id\"");
    assertThat(console.toString(StandardCharsets.UTF_8)).contains("\"logger_name\":\"provost.access\"");
    assertThat(metrics).contains("provost_logins_total");
    assertThat(secrets).hasSizeGreaterThan(12);
    for (String secret : secrets) {
      assertThat(all).as("output must not contain a secret").doesNotContain(secret);
      String tail = secret.length() > 16 ? secret.substring(secret.length() - 16) : secret;
      assertThat(all).as("output must not contain part of a secret").doesNotContain(tail);
    }
  }

  /** Writes to both streams. */
  private static final class TeeStream extends java.io.OutputStream {
    private final java.io.OutputStream a;
    private final java.io.OutputStream b;

    TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public void write(int x) throws java.io.IOException {
      a.write(x);
      b.write(x);
    }

    @Override
    public void write(byte[] buf, int off, int len) throws java.io.IOException {
      synchronized (a) {
        a.write(buf, off, len);
      }
      b.write(buf, off, len);
    }
  }
}
