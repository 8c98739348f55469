package org.provost.db;

import java.nio.file.Path;

/**
 * A separate process that owns an embedded PostgreSQL, for tests that kill it as the OOM killer would:
 * {@code EmbeddedOwner DATA_DIR} starts it, prints {@code ready <port>} and waits to be killed.
 */
public final class EmbeddedOwner {
  private EmbeddedOwner() {}

  public static void main(String[] args) throws Exception {
    EmbeddedPostgresServer server = EmbeddedPostgresServer.start(Path.of(args[0]), "serve", false);
    System.out.println("ready " + server.jdbcUrl());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }

  /** Starts the owner in a new JVM on this test's class path; returns once its PostgreSQL is ready. */
  static Process start(Path dataDir) throws Exception {
    String java = ProcessHandle.current().info().command().orElseThrow();
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), EmbeddedOwner.class.getName(),
        dataDir.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    var out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()));
    for (String line; (line = out.readLine()) != null; ) {
      if (line.startsWith("ready ")) return p;
    }
    throw new IllegalStateException("the owner process exited with " + p.waitFor() + " before its PostgreSQL was ready");
  }
}
