package org.provost.security;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.provost.config.Config;

/**
 * The raw Argon2id verification rate at the configured cost (PROVOST_ARGON2_* or the defaults), with one
 * thread per core: the ceiling for logins per second, against which the login endpoint is measured.
 *
 * <p>Run: {@code bin/run-test-main org.provost.security.Argon2Probe [seconds]}
 */
public final class Argon2Probe {
  private Argon2Probe() {}

  public static void main(String[] args) throws InterruptedException {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    Config config = Config.fromEnvironment();
    PasswordHasher hasher = new PasswordHasher(config.argon2());
    String hash = hasher.hash("bench-user-password");
    for (int i = 0; i < 5; i++) hasher.verify("bench-user-password", hash);
    int threads = Runtime.getRuntime().availableProcessors();
    AtomicLong done = new AtomicLong();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    CountDownLatch finished = new CountDownLatch(threads);
    for (int t = 0; t < threads; t++) {
      Thread.ofPlatform().start(() -> {
        while (System.nanoTime() < deadline) {
          if (!hasher.verify("bench-user-password", hash)) throw new AssertionError("verify failed");
          done.incrementAndGet();
        }
        finished.countDown();
      });
    }
    finished.await();
    System.out.printf("argon2id m=%d KiB t=%d p=%d: %.1f verifications/s on %d threads%n",
        config.argon2().memoryKib(), config.argon2().iterations(), config.argon2().parallelism(),
        done.get() / (double) seconds, threads);
  }
}
