package org.provost.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What {@code postmaster.pid} says about a running PostgreSQL: its process id (line 1) and port (line 4).
 */
record PostmasterPid(long pid, int port) {
  static Optional<PostmasterPid> read(Path pg) {
    try {
      List<String> lines = Files.readAllLines(pg.resolve("postmaster.pid"));
      if (lines.size() < 4) return Optional.empty();
      return Optional.of(new PostmasterPid(Long.parseLong(lines.get(0).trim()), Integer.parseInt(lines.get(3).trim())));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * True when the process lives and is the PostgreSQL server of {@code pg}: after a reboot the id may belong
   * to another program, or to another PostgreSQL, which must never be stopped. A postmaster works in its
   * data directory, so its working directory (Linux) or its arguments (elsewhere) name {@code pg}.
   */
  boolean runsOn(Path pg) {
    Optional<ProcessHandle> h = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    if (h.isEmpty()) return false;
    try {
      Path cwd = Path.of("/proc", String.valueOf(pid), "cwd");
      if (Files.exists(Path.of("/proc/self/cwd"))) return Files.isSameFile(cwd, pg);
    } catch (IOException e) {
      return false; // not ours to inspect: not ours to stop either
    }
    return h.get().info().arguments().map(args -> java.util.Arrays.asList(args).contains(pg.toString())).orElse(false);
  }

  /** True when the process id is taken at all (by anything). */
  boolean taken() {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }
}
