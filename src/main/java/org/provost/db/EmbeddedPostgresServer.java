package org.provost.db;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.provost.config.StartupException;

/**
 * A real PostgreSQL kept under {@code <dataDir>/pg}, for a machine with no database to install. It is durable
 * ({@code fsync}, {@code synchronous_commit} and {@code full_page_writes} on), listens on loopback and on a
 * Unix socket inside {@code pg/} (mode 0700) only, and admits only superuser {@code postgres} with the
 * password generated on first start and kept in {@code <dataDir>/pg-password} (mode 0600).
 *
 * <p>One process owns it at a time ({@link DataDirLock}): the owner starts {@code postgres} as its child with
 * a watchdog that stops it (fast shutdown) when the owner dies, however it dies. A start that finds a
 * postmaster left running by an owner that died anyway stops it first. A process that may share (seed,
 * import, admin) connects to the running owner's server instead of failing.
 */
final class EmbeddedPostgresServer implements AutoCloseable {
  static final String USER = "postgres";
  private final Path dataDir;
  private final int port;
  private final String password;
  private final PostgresBinaries binaries;
  private final Process postgres;
  private final Process watchdog;
  private final DataDirLock lock;

  private EmbeddedPostgresServer(Path dataDir, int port, String password, PostgresBinaries binaries,
      Process postgres, Process watchdog, DataDirLock lock) {
    this.dataDir = dataDir;
    this.port = port;
    this.password = password;
    this.binaries = binaries;
    this.postgres = postgres;
    this.watchdog = watchdog;
    this.lock = lock;
  }

  /**
   * Starts (or, when {@code mayShare} and another provost owns it, joins) the embedded PostgreSQL under
   * {@code dataDir}. {@code verb} names the command for messages. Throws {@link StartupException} with what
   * to do when it cannot.
   */
  static EmbeddedPostgresServer start(Path dataDir, String verb, boolean mayShare) {
    Path dir = dataDir.toAbsolutePath().normalize();
    try {
      EmbeddedFiles.createPrivateDirectory(dir);
      Optional<DataDirLock> lock = DataDirLock.tryAcquire(dir, verb);
      if (lock.isEmpty()) return join(dir, verb, mayShare);
      try {
        return own(dir, lock.get());
      } catch (RuntimeException | IOException e) {
        lock.get().close();
        throw e;
      }
    } catch (IOException e) {
      throw new StartupException("cannot use PROVOST_DATA_DIR=" + dataDir + " (" + e.getMessage()
          + "): check that it is a directory this user may write, or set PROVOST_DATA_DIR to one");
    }
  }

  private static EmbeddedPostgresServer join(Path dir, String verb, boolean mayShare) throws IOException {
    String holder = DataDirLock.holder(dir);
    boolean serving = "serve".equals(DataDirLock.holderVerb(dir));
    if (!mayShare || !serving) {
      String fix = !serving ? "wait for it to finish, or stop it"
          : "serve".equals(verb) ? "stop it first, or give this one its own PROVOST_DATA_DIR and PROVOST_HTTP_PORT"
          : "stop it first (serve applies pending migrations itself when it starts)";
      throw new StartupException("PROVOST_DATA_DIR=" + dir + " is in use by " + holder + ": " + fix);
    }
    Optional<PostmasterPid> running = PostmasterPid.read(dir.resolve("pg"));
    Optional<String> password = EmbeddedFiles.readPassword(dir);
    if (running.isEmpty() || !running.get().runsOn(dir.resolve("pg")) || password.isEmpty()) {
      throw new StartupException(holder + " holds PROVOST_DATA_DIR=" + dir + " but its PostgreSQL is not "
          + "running yet; try again once it is ready, or stop it");
    }
    System.err.println("provost: using the embedded PostgreSQL of the running " + holder);
    return new EmbeddedPostgresServer(dir, running.get().port(), password.get(), null, null, null, null);
  }

  private static EmbeddedPostgresServer own(Path dir, DataDirLock lock) throws IOException {
    Path pg = dir.resolve("pg");
    PostgresBinaries binaries = PostgresBinaries.under(dir.resolve("pg-runtime"));
    Orphans.stopLeftover(binaries, pg, dir);
    String password;
    if (!Files.exists(pg.resolve("PG_VERSION"))) {
      password = EmbeddedFiles.newPassword(dir);
      initdb(binaries, pg, dir);
    } else {
      Optional<String> existing = EmbeddedFiles.readPassword(dir);
      // a data directory made before passwords (it trusted every local connection): give it one
      password = existing.isPresent() ? existing.get() : setPassword(binaries, pg, EmbeddedFiles.newPassword(dir));
    }
    EmbeddedFiles.writeHba(pg);
    for (int attempt = 1; ; attempt++) {
      int port = freePort();
      Process postgres = launch(binaries, pg, dir, port);
      Process watchdog = Watchdog.guard(postgres);
      try {
        awaitReady(postgres, port, password, dir);
        return new EmbeddedPostgresServer(dir, port, password, binaries, postgres, watchdog, lock);
      } catch (PortTaken e) {
        watchdog.destroy();
        if (attempt == 3) throw new StartupException("the embedded PostgreSQL found no free loopback port");
      } catch (RuntimeException e) {
        postgres.destroy();
        watchdog.destroy();
        throw e;
      }
    }
  }

  private static void initdb(PostgresBinaries binaries, Path pg, Path dir) throws IOException {
    List<String> cmd = binaries.command("initdb", "-D", pg.toString(), "-U", USER, "-E", "UTF-8",
        "-A", "scram-sha-256", "--pwfile=" + EmbeddedFiles.passwordFile(dir));
    Path log = dir.resolve("postgres.log");
    int exit = run(new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())));
    if (exit != 0) {
      throw new StartupException("creating the embedded PostgreSQL under " + pg + " failed: " + EmbeddedFiles.lastLogLine(dir)
          + " (initdb exit " + exit + "; see " + log + "). If " + pg + " holds files from a failed first start, remove it and start again");
    }
  }

  /** Sets the superuser password of a stopped data directory in single-user mode (no connection possible). */
  private static String setPassword(PostgresBinaries binaries, Path pg, String password) throws IOException {
    Process p = new ProcessBuilder(binaries.command("postgres", "--single", "-D", pg.toString(), "postgres"))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    p.getOutputStream().write(("ALTER USER " + USER + " PASSWORD '" + password + "';\n").getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    if (waitFor(p) != 0) {
      throw new StartupException("could not set the password of the embedded PostgreSQL under " + pg
          + "; is another PostgreSQL running on it? Stop it and start again");
    }
    return password;
  }

  private static Process launch(PostgresBinaries binaries, Path pg, Path dir, int port) throws IOException {
    List<String> cmd = binaries.command("postgres", "-D", pg.toString(), "-p", String.valueOf(port),
        "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=" + EmbeddedFiles.socketDirectory(pg, port),
        "-c", "unix_socket_permissions=0700", "-c", "fsync=on", "-c", "synchronous_commit=on",
        "-c", "full_page_writes=on", "-c", "max_connections=100", "-c", "timezone=UTC",
        "-c", "logging_collector=off");
    return new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("postgres.log").toFile())).start();
  }

  private static void awaitReady(Process postgres, int port, String password, Path dir) {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5); // crash recovery of a big WAL takes a while
    while (true) {
      try (var c = DriverManager.getConnection(url(port), credentials(password))) {
        return;
      } catch (SQLException e) {
        if (!postgres.isAlive()) {
          String last = EmbeddedFiles.lastLogLine(dir);
          if (last.contains("could not bind") || last.contains("Address already in use")) throw new PortTaken();
          throw new StartupException("the embedded PostgreSQL under " + dir.resolve("pg") + " stopped while starting: "
              + last + " (full log: " + dir.resolve("postgres.log") + ")");
        }
        if (System.nanoTime() > deadline) {
          throw new StartupException("the embedded PostgreSQL under " + dir.resolve("pg") + " did not become ready "
              + "within 5 minutes; see " + dir.resolve("postgres.log"));
        }
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StartupException("interrupted while the embedded PostgreSQL was starting");
      }
    }
  }

  private static final class PortTaken extends RuntimeException {
    PortTaken() {
      super(null, null, false, false);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static int run(ProcessBuilder pb) throws IOException {
    return waitFor(pb.start());
  }

  private static int waitFor(Process p) {
    try {
      if (!p.waitFor(2, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        return -1;
      }
      return p.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static String url(int port) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
  }

  private static Properties credentials(String password) {
    Properties p = new Properties();
    p.setProperty("user", USER);
    p.setProperty("password", password);
    p.setProperty("connectTimeout", "5");
    return p;
  }

  String jdbcUrl() {
    return url(port);
  }

  String password() {
    return password;
  }

  /** Stops the server if this process started it (fast shutdown: sessions are ended, not waited for). */
  @Override
  public void close() throws IOException {
    if (postgres == null) return;
    try {
      if (postgres.isAlive()) {
        run(new ProcessBuilder(binaries.command("pg_ctl", "stop", "-D", dataDir.resolve("pg").toString(), "-m", "fast",
            "-w", "-t", "60")).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD));
        if (!postgres.waitFor(60, TimeUnit.SECONDS)) postgres.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      watchdog.destroy();
      lock.close();
    }
  }
}
