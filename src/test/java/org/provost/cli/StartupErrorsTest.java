package org.provost.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.provost.Provost;
import org.provost.testing.TestDatabases;

/**
 * {@code provost} run as a user runs it (a new process, its own environment): each start-up error names the
 * variable or resource and the fix, exits 1 (2 for a usage error), and prints no exception text or password.
 */
class StartupErrorsTest {
  @TempDir Path dir;

  record Run(int exit, String err) {}

  static Run provost(Map<String, String> env, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(), "-cp",
        System.getProperty("java.class.path"), Provost.class.getName()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().keySet().removeIf(k -> k.startsWith("PROVOST_"));
    pb.environment().putAll(env);
    Process p = pb.start();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS)) p.destroyForcibly();
    Run run = new Run(p.exitValue(), err);
    assertThat(run.err()).as("no Java exception text").doesNotContain("Exception", "\tat ");
    return run;
  }

  @Test
  void aBusyPort_isNamedWithItsVariable_beforeTheDatabaseIsTouched() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      Run run = provost(Map.of("PROVOST_HTTP_HOST", "127.0.0.1", "PROVOST_HTTP_PORT", String.valueOf(port),
          "PROVOST_DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none"), "serve");
      assertThat(run.exit()).isEqualTo(1);
      assertThat(run.err()).contains("port " + port + " on 127.0.0.1 is already in use (PROVOST_HTTP_PORT=" + port + ")");
    }
  }

  @Test
  void anUnreachableDatabaseUrl_namesTheVariable_andNeverThePassword() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    Run run = provost(Map.of("PROVOST_HTTP_PORT", "0", "PROVOST_DATABASE_URL",
        "postgresql://app:pw-s3cret@127.0.0.1:" + closed + "/provost"), "migrate");
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains("cannot reach PostgreSQL at 127.0.0.1:" + closed + " named by PROVOST_DATABASE_URL")
        .doesNotContain("s3cret");
  }

  @Test
  void aMissingDatabase_printsTheCreatedbCommand() throws Exception {
    URI admin = URI.create(TestDatabases.ADMIN_URL.substring("jdbc:".length()));
    String url = "postgresql://" + admin.getHost() + ":" + admin.getPort() + "/provost_absent_db?"
        + (admin.getRawQuery() == null ? "user=postgres" : admin.getRawQuery());
    Run run = provost(Map.of("PROVOST_DATABASE_URL", url), "migrate");
    if (run.err().contains("cannot reach")) TestDatabases.unavailable("PostgreSQL at " + admin + " is not reachable");
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains("database \"provost_absent_db\" does not exist")
        .contains("createdb -h " + admin.getHost() + " -p " + admin.getPort() + " -U ")
        .contains(" provost_absent_db");
  }

  @Test
  void badOrUnknownSettings_areRefusedByName() throws Exception {
    Run proxies = provost(Map.of("PROVOST_TRUSTED_PROXIES", "nginx.internal"), "migrate");
    assertThat(proxies.exit()).isEqualTo(1);
    assertThat(proxies.err()).contains("PROVOST_TRUSTED_PROXIES").contains("'nginx.internal' is not an IP address");
    Run unknown = provost(Map.of("PROVOST_DATABSE_URL", "postgresql://x:pw-s3cret@h/db"), "migrate");
    assertThat(unknown.exit()).isEqualTo(1);
    assertThat(unknown.err()).contains("PROVOST_DATABSE_URL (from the environment) is not a Provost setting")
        .contains("did you mean PROVOST_DATABASE_URL?").doesNotContain("s3cret");
  }

  @Test
  void aReportPathThatCannotBeWritten_stopsTheLoadTestBeforeItRuns() throws Exception {
    Run run = provost(Map.of(), "loadtest", "--mix", "get=1", "--url", "http://127.0.0.1:9",
        "--html", dir.resolve("no-such-dir/latency.html").toString());
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("--html").contains("does not exist");
  }
}
