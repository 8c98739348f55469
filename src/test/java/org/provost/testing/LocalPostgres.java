package org.provost.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A private PostgreSQL 15 server of this test's own, on a free loopback port, made with the server
 * binaries of this machine ({@code /usr/lib/postgresql/15/bin}, or {@code PROVOST_TEST_PG_BIN}), so that a
 * test may stop it, or stream a replica from it, without touching the shared server on 5432. PostgreSQL
 * refuses to run as root: as root, every command runs as the {@code postgres} user through
 * {@code runuser}. Where that is impossible the test is skipped with the reason ({@link TestDatabases#unavailable}).
 */
public final class LocalPostgres implements AutoCloseable {
  private static final Path BIN = Path.of(TestDatabases.env("PROVOST_TEST_PG_BIN", "/usr/lib/postgresql/15/bin"));
  private final Path dir;
  private final Path data;
  public final int port;
  private final boolean ownsDir;

  private LocalPostgres(Path dir, Path data, int port, boolean ownsDir) {
    this.dir = dir;
    this.data = data;
    this.port = port;
    this.ownsDir = ownsDir;
  }

  /** initdb (trust authentication, replication allowed from loopback) and start. */
  public static LocalPostgres start() {
    requireTools();
    Path dir = tempDir();
    Path data = dir.resolve("primary");
    int port = freePort();
    run(BIN.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres", "--auth=trust",
        "--no-sync", "-E", "UTF8");
    LocalPostgres pg = new LocalPostgres(dir, data, port, true);
    pg.configure("listen_addresses = '127.0.0.1'", "unix_socket_directories = '" + dir + "'",
        "fsync = off", "wal_level = replica", "max_wal_senders = 4", "shared_buffers = 32MB");
    pg.startServer();
    return pg;
  }

  /** A streaming replica of this server ({@code pg_basebackup -R}), started, in this server's temp dir. */
  public LocalPostgres streamingReplica() {
    Path replica = dir.resolve("replica-" + System.nanoTime());
    run(BIN.resolve("pg_basebackup").toString(), "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", "postgres",
        "-D", replica.toString(), "-R", "-X", "stream", "--no-sync");
    LocalPostgres r = new LocalPostgres(dir, replica, freePort(), false);
    r.configure("hot_standby = on");
    r.startServer();
    return r;
  }

  /** The JDBC URL of {@code database} on this server (as user postgres). */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=postgres";
  }

  /** Stops the server ({@code pg_ctl stop -m fast}): connections are cut, new ones refused. */
  public void stop() {
    run(BIN.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "-w", "stop");
  }

  /** Starts it again after {@link #stop}, on the same port. */
  public void startServer() {
    run(BIN.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", data + ".log", "-w", "-t", "60",
        "-o", "-p " + port, "start");
  }

  private void configure(String... lines) {
    Path conf = data.resolve("postgresql.auto.conf");
    try {
      Files.writeString(conf, String.join("\n", lines) + "\n", StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write " + conf, e);
    }
  }

  @Override
  public void close() {
    try {
      run(BIN.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w", "stop");
    } catch (RuntimeException alreadyStopped) {
      // stopped by the test
    }
    if (ownsDir) deleteTree(dir);
  }

  private static void requireTools() {
    for (String tool : List.of("initdb", "pg_ctl", "pg_basebackup")) {
      if (!Files.isExecutable(BIN.resolve(tool))) {
        TestDatabases.unavailable("PostgreSQL server binaries not found: " + BIN.resolve(tool)
            + " (apt-get install postgresql-15, or set PROVOST_TEST_PG_BIN)");
      }
    }
    if (asRoot() && !Files.isExecutable(Path.of("/usr/sbin/runuser")) && !Files.isExecutable(Path.of("/sbin/runuser"))) {
      TestDatabases.unavailable("running as root and runuser is missing: PostgreSQL refuses to run as root");
    }
    if (asRoot() && exitCode(List.of("id", "-u", "postgres")) != 0) {
      TestDatabases.unavailable("running as root and there is no postgres user to run PostgreSQL as");
    }
  }

  public static boolean asRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static Path tempDir() {
    try {
      Path dir = Files.createTempDirectory("provost-pg-");
      if (asRoot()) run("chown", "postgres", dir.toString());
      return dir;
    } catch (IOException e) {
      throw new IllegalStateException("cannot make a temporary directory", e);
    }
  }

  /** Runs a command as the postgres user when this is root, else as this user; returns its output. */
  public static String asPostgres(String... command) {
    return run(command);
  }

  /** Runs a command (as postgres when root), returning its output; throws with the output when it fails. */
  static String run(String... command) {
    List<String> full = new ArrayList<>();
    if (asRoot() && !command[0].equals("chown")) full.addAll(List.of("runuser", "-u", "postgres", "--"));
    full.addAll(List.of(command));
    try {
      Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.waitFor() != 0) throw new IllegalStateException(String.join(" ", full) + " failed:\n" + out);
      return out;
    } catch (IOException e) {
      throw new IllegalStateException(String.join(" ", full) + " could not run: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static int exitCode(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor();
    } catch (IOException | InterruptedException e) {
      return -1;
    }
  }

  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port", e);
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("could not delete " + dir + ": " + e.getMessage());
    }
  }
}
