package org.provost.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.provost.config.StartupException;

/**
 * A PostgreSQL still running on a data directory whose owner died ({@code kill -9}, the OOM killer) before
 * its watchdog could stop it, or left by an older provost that had none. Called while holding the
 * {@link DataDirLock}, so no live provost uses it: it is stopped (fast, then immediate) before a new start.
 */
final class Orphans {
  private Orphans() {}

  static void stopLeftover(PostgresBinaries binaries, Path pg, Path dataDir) throws IOException {
    Optional<PostmasterPid> pid = PostmasterPid.read(pg);
    if (pid.isEmpty()) return;
    if (!pid.get().runsOn(pg)) {
      if (pid.get().taken()) {
        // the id now belongs to some other program: the file is stale, and PostgreSQL would refuse to start
        Files.deleteIfExists(pg.resolve("postmaster.pid"));
      }
      return;
    }
    System.err.println("provost: stopping the embedded PostgreSQL (pid " + pid.get().pid() + ") left running by a "
        + "provost that did not stop cleanly");
    for (String mode : new String[] {"fast", "immediate"}) {
      EmbeddedPostgresServer.run(new ProcessBuilder(binaries.command("pg_ctl", "stop", "-D", pg.toString(), "-m", mode,
          "-w", "-t", "30")).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("postgres.log").toFile())));
      if (awaitExit(pid.get().pid())) return;
    }
    throw new StartupException("an earlier PostgreSQL (pid " + pid.get().pid() + ") still runs on " + pg
        + " and would not stop; stop it (kill " + pid.get().pid() + ") and start again");
  }

  private static boolean awaitExit(long pid) {
    Optional<ProcessHandle> h = ProcessHandle.of(pid);
    if (h.isEmpty()) return true;
    try {
      h.get().onExit().get(30, TimeUnit.SECONDS);
      return true;
    } catch (Exception e) {
      return !h.get().isAlive();
    }
  }
}
