package org.provost.loadtest;

/**
 * When each request is due. Request {@code i} has one fixed send time, decided before the run: over the
 * warm-up the rate ramps linearly from 0 to the target (so a cold JIT and cold caches do not start the run
 * with a backlog), then one request every {@code 1/rate} seconds. Latency is measured from this time, not
 * from when the request actually left, so a target (or a load generator) that falls behind shows it in the
 * latency of every request that had to wait: coordinated omission corrected.
 */
final class Schedule {
  private static final double NANOS = 1e9;

  private final long start;
  private final double rate;
  private final double warmupSeconds;
  private final long warmupCount;
  private final long total;

  Schedule(long startNanos, int rate, int warmupSeconds, int durationSeconds) {
    if (rate < 1 || warmupSeconds < 0 || durationSeconds < 1) {
      throw new IllegalArgumentException("rate " + rate + ", warm-up " + warmupSeconds + " s, duration "
          + durationSeconds + " s");
    }
    this.start = startNanos;
    this.rate = rate;
    this.warmupSeconds = warmupSeconds;
    this.warmupCount = Math.round(rate * (double) warmupSeconds / 2);
    this.total = warmupCount + (long) rate * durationSeconds;
  }

  /** The scheduled send time of request {@code i}, in {@link System#nanoTime()} terms. */
  long at(long i) {
    double seconds = i < warmupCount
        ? Math.sqrt(2.0 * i * warmupSeconds / rate)
        : warmupSeconds + (i - warmupCount) / rate;
    return start + (long) (seconds * NANOS);
  }

  /** Requests of the warm-up are sent but left out of the report. */
  boolean measured(long i) {
    return i >= warmupCount;
  }

  long start() {
    return start;
  }

  long measuredStart() {
    return start + (long) (warmupSeconds * NANOS);
  }

  long warmupCount() {
    return warmupCount;
  }

  long total() {
    return total;
  }

  long measuredCount() {
    return total - warmupCount;
  }
}
