package org.provost.loadtest;

import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Releases requests at their scheduled times and never waits for a response: the arrival rate is the
 * schedule's, whatever the target does. Requests that came due while this thread was late (descheduled, a GC
 * pause) go out at once, still carrying their original scheduled times.
 */
final class OpenLoop {
  /** Time, so tests can drive the loop with a fake one. */
  interface Clock {
    long nanoTime();

    void parkNanos(long nanos);
  }

  /** Takes the requests {@code [from, to)} that are due now. Must not block. */
  interface Sink {
    void release(long from, long to);
  }

  static final Clock SYSTEM = new Clock() {
    @Override
    public long nanoTime() {
      return System.nanoTime();
    }

    @Override
    public void parkNanos(long nanos) {
      LockSupport.parkNanos(nanos);
    }
  };

  /**
   * Wake-ups at most every 100 µs: at high rates the requests due within that window go out together,
   * which keeps the cost of handing them to the event loops small; the wait still counts in their latency.
   */
  static final long MIN_PARK_NANOS = 100_000;
  private static final long MAX_PARK_NANOS = 10_000_000;

  private OpenLoop() {}

  /**
   * Runs the whole schedule. Returns how late each batch was released (microseconds past the scheduled time
   * of its first request): the load generator's own lag, which a report shows so that a starved generator is
   * not mistaken for a slow target.
   */
  static Histogram run(Schedule schedule, Clock clock, Sink sink) {
    Histogram lag = new Histogram(3);
    long next = 0;
    long total = schedule.total();
    while (next < total) {
      long now = clock.nanoTime();
      long end = next;
      while (end < total && schedule.at(end) <= now) end++;
      if (end > next) {
        sink.release(next, end);
        lag.recordValue(Math.max(0, now - schedule.at(next)) / 1_000);
        next = end;
      }
      if (next < total) {
        long wait = schedule.at(next) - clock.nanoTime();
        if (wait > 0) clock.parkNanos(Math.clamp(wait, MIN_PARK_NANOS, MAX_PARK_NANOS));
      }
    }
    return lag;
  }
}
