package org.provost.db;

import java.io.IOException;

/**
 * Stops a child PostgreSQL when this JVM dies, however it dies. A small shell waits on a pipe whose only
 * writer is this JVM; the kernel closes it when the JVM exits (even by {@code kill -9}), the read returns,
 * and the shell asks PostgreSQL for a fast shutdown (SIGINT). A clean stop destroys the shell first.
 */
final class Watchdog {
  private Watchdog() {}

  static Process guard(Process postgres) throws IOException {
    return new ProcessBuilder("/bin/sh", "-c", "read _ ; kill -INT " + postgres.pid() + " 2>/dev/null")
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
  }
}
