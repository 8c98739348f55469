package org.provost.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A private redis-server of this test's own on a free loopback port ({@code --save '' --appendonly no}: it
 * keeps nothing when killed), so a test may kill it with SIGKILL and start it again on the same port without
 * touching the machine's Redis on 6379. Where {@code redis-server} is missing the test is skipped with the
 * reason ({@link TestDatabases#unavailable}).
 */
public final class LocalRedis implements AutoCloseable {
  public final int port;
  private Process process;

  private LocalRedis(int port) {
    this.port = port;
  }

  public static LocalRedis start() {
    LocalRedis redis = notStarted();
    redis.startServer();
    return redis;
  }

  /** A free port for a server started later ({@link #startServer}): nothing listens there yet. */
  public static LocalRedis notStarted() {
    return new LocalRedis(LocalPostgres.freePort());
  }

  public String url() {
    return "redis://127.0.0.1:" + port + "/0";
  }

  /** Starts redis-server (again) on {@link #port} and waits until it answers PING (at most 20 s). */
  public void startServer() {
    Path log;
    try {
      log = Files.createTempFile("provost-redis-", ".log");
      process = new ProcessBuilder(List.of(TestDatabases.env("PROVOST_TEST_REDIS_SERVER", "redis-server"),
          "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"))
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    } catch (IOException e) {
      TestDatabases.unavailable("redis-server cannot be started: " + e.getMessage());
      return;
    }
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (!answers()) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException("redis-server on port " + port + " did not start; see " + log);
      }
      nap();
    }
  }

  /** SIGKILL: the server is gone at once, with every key. */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** SIGSTOP: the server keeps its connections and keys but answers nothing (a hung Redis). */
  public void pause() {
    signal("-STOP");
  }

  /** SIGCONT after {@link #pause}: it answers again, with every key it had. */
  public void resume() {
    signal("-CONT");
  }

  private void signal(String which) {
    try {
      int exit = new ProcessBuilder("kill", which, Long.toString(process.pid())).inheritIO().start().waitFor();
      if (exit != 0) throw new IllegalStateException("kill " + which + " " + process.pid() + " exited " + exit);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private boolean answers() {
    try (Socket s = new Socket("127.0.0.1", port)) {
      OutputStream out = s.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[7];
      int n = in.read(buf);
      return n > 0 && new String(buf, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
    } catch (IOException e) {
      return false;
    }
  }

  private static void nap() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    if (process != null && process.isAlive()) kill();
  }
}
