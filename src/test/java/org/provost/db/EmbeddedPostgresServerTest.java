package org.provost.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.provost.config.StartupException;

/** The embedded default: durable, password-only, one owner, and back by itself after {@code kill -9}. */
class EmbeddedPostgresServerTest {
  @TempDir Path dataDir;

  @Test
  void isDurable_andAdmitsOnlyThePasswordKeptOwnerOnly() throws Exception {
    try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(dataDir, "serve", false)) {
      try (Connection c = connect(server.jdbcUrl(), server.password()); var st = c.createStatement()) {
        for (String setting : new String[] {"fsync", "synchronous_commit", "full_page_writes"}) {
          var rs = st.executeQuery("SHOW " + setting);
          rs.next();
          assertThat(rs.getString(1)).as(setting).isEqualTo("on");
        }
        var rs = st.executeQuery("SHOW listen_addresses");
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("127.0.0.1");
      }
      assertThat(Files.getPosixFilePermissions(dataDir.resolve("pg-password")))
          .isEqualTo(PosixFilePermissions.fromString("rw-------"));
      assertThat(Files.readString(dataDir.resolve("pg-password")).trim()).isEqualTo(server.password());
      assertThatThrownBy(() -> connect(server.jdbcUrl(), null)).isInstanceOf(SQLException.class);
      assertThatThrownBy(() -> connect(server.jdbcUrl(), server.password() + "x"))
          .isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");
    }
  }

  @Test
  void aDataDirectoryThatTrustedLocalUsers_isClosedAtTheNextStart() throws Exception {
    String password;
    try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(dataDir, "serve", false)) {
      password = server.password();
    }
    Files.writeString(dataDir.resolve("pg/pg_hba.conf"), "local all all trust\nhost all all 127.0.0.1/32 trust\n");
    try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(dataDir, "serve", false)) {
      assertThat(server.password()).isEqualTo(password);
      assertThat(Files.readString(dataDir.resolve("pg/pg_hba.conf"))).doesNotContain("trust");
      assertThatThrownBy(() -> connect(server.jdbcUrl(), null)).isInstanceOf(SQLException.class);
    }
  }

  @Test
  void aSecondServe_isRefusedNamingTheDataDir_whileSeedSharesTheRunningServer() throws Exception {
    try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(dataDir, "serve", false)) {
      assertThatThrownBy(() -> EmbeddedPostgresServer.start(dataDir, "serve", false))
          .isInstanceOf(StartupException.class)
          .hasMessageContaining("PROVOST_DATA_DIR=" + dataDir.toAbsolutePath())
          .hasMessageContaining("in use by provost serve (pid " + ProcessHandle.current().pid() + ")");
      assertThatThrownBy(() -> EmbeddedPostgresServer.start(dataDir, "migrate", false))
          .isInstanceOf(StartupException.class).hasMessageContaining("stop it first");
      try (EmbeddedPostgresServer shared = EmbeddedPostgresServer.start(dataDir, "seed", true);
           Connection c = connect(shared.jdbcUrl(), shared.password())) {
        assertThat(shared.jdbcUrl()).isEqualTo(server.jdbcUrl());
        assertThat(c.isValid(5)).isTrue();
      }
      try (Connection c = connect(server.jdbcUrl(), server.password())) {
        assertThat(c.isValid(5)).as("closing a sharer leaves the owner's server running").isTrue();
      }
    }
  }

  @Test
  void afterKill9OfItsOwner_postgresStopsByItself_andTheNextStartKeepsTheData() throws Exception {
    Process owner = EmbeddedOwner.start(dataDir);
    long postmaster = PostmasterPid.read(dataDir.resolve("pg")).orElseThrow().pid();
    writeRow(dataDir, "before the crash");
    owner.destroyForcibly().waitFor();
    // the watchdog asks the orphaned postmaster for a fast shutdown; waiting for that is the behaviour under test
    ProcessHandle.of(postmaster).ifPresent(h -> h.onExit().orTimeout(120, TimeUnit.SECONDS).join());
    assertThat(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertRowAfterRestart("before the crash");
  }

  @Test
  void anOrphanedPostmaster_isStoppedByTheNextStart() throws Exception {
    Process owner = EmbeddedOwner.start(dataDir);
    long postmaster = PostmasterPid.read(dataDir.resolve("pg")).orElseThrow().pid();
    writeRow(dataDir, "kept");
    // the worst case: the watchdog dies with its owner, so nothing stops the postmaster
    for (ProcessHandle child : owner.toHandle().children().toList()) {
      if (child.info().command().orElse("").endsWith("sh")) child.destroyForcibly();
    }
    owner.destroyForcibly().waitFor();
    assertThat(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive).orElse(false)).isTrue();
    assertRowAfterRestart("kept");
    assertThat(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive).orElse(false)).isFalse();
  }

  private void writeRow(Path dir, String value) throws Exception {
    int port = PostmasterPid.read(dir.resolve("pg")).orElseThrow().port();
    try (Connection c = connect("jdbc:postgresql://127.0.0.1:" + port + "/postgres",
        Files.readString(dir.resolve("pg-password")).trim()); var st = c.createStatement()) {
      st.execute("CREATE TABLE kept (v text)");
      st.execute("INSERT INTO kept VALUES ('" + value + "')");
    }
  }

  private void assertRowAfterRestart(String value) throws Exception {
    try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(dataDir, "serve", false);
         Connection c = connect(server.jdbcUrl(), server.password()); var st = c.createStatement()) {
      var rs = st.executeQuery("SELECT v FROM kept");
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo(value);
    }
  }

  private static Connection connect(String url, String password) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", "postgres");
    if (password != null) p.setProperty("password", password);
    return DriverManager.getConnection(url, p);
  }
}
