package org.provost.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.provost.Provost;
import org.provost.config.Config;
import org.provost.testing.TestServer;
import picocli.CommandLine;

/** {@code provost admin reset-password USER} recovers a lost password on a running service's database. */
class AdminCommandTest {
  record Run(int exit, String out, String err) {}

  static Run provost(Config config, String... args) {
    CommandLine.IFactory factory = new CommandLine.IFactory() {
      @Override
      public <K> K create(Class<K> cls) throws Exception {
        if (cls == AdminCommand.ResetPassword.class) return cls.cast(new AdminCommand.ResetPassword(config));
        return CommandLine.defaultFactory().create(cls);
      }
    };
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new Provost(), factory);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void resetPassword_setsANewPasswordShownOnce_andEndsTheUsersSessions() {
    try (TestServer server = TestServer.start()) {
      String oldSession = server.adminToken();
      Map<String, String> env = new HashMap<>(TestServer.settings(Map.of()));
      env.put("PROVOST_DATABASE_URL", server.jdbcUrl());
      Run run = provost(Config.from(env), "admin", "reset-password", "admin");
      assertThat(run.exit()).as(run.err()).isZero();
      assertThat(run.out()).contains("new password for 'admin' set; 1 session(s) ended");
      String password = run.out().lines().filter(l -> l.startsWith("provost:     ")).findFirst().orElseThrow()
          .substring("provost:     ".length()).trim();
      assertThat(server.http.post("/v1/sessions", null, new io.vertx.core.json.JsonObject().put("username", "admin")
          .put("password", TestServer.ADMIN_PASSWORD)).status()).isEqualTo(401);
      assertThat(server.http.login("admin", password)).isNotBlank();
      // the old session ends on the running instance through the change feed: wait for the revision the
      // command answered, as any reader of a write does
      long revision = Long.parseLong(run.out().replaceAll("(?s).*\\(revision (\\d+)\\).*", "$1"));
      String admin = server.http.login("admin", password);
      assertThat(server.http.get("/v1/check?subject=admin&permission=users.read&resource=global&at_least_revision="
          + revision, admin).status()).isEqualTo(200);
      int status = server.http.get("/v1/me", oldSession).status();
      assertThat(status).isEqualTo(401);
    }
  }

  @Test
  void resetPassword_ofAnUnknownUser_exits1NamingIt() {
    try (TestServer server = TestServer.start()) {
      Map<String, String> env = new HashMap<>(TestServer.settings(Map.of()));
      env.put("PROVOST_DATABASE_URL", server.jdbcUrl());
      Run run = provost(Config.from(env), "admin", "reset-password", "nobody-here");
      assertThat(run.exit()).isEqualTo(1);
      assertThat(run.err()).contains("no user named 'nobody-here'");
    }
  }
}
