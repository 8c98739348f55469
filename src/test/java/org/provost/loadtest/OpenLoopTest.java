package org.provost.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/**
 * Coordinated omission: a target that stalls must show the stall in the latency of every request that was
 * due during it, not only in the one request a closed-loop client would have had in flight. Driven by a fake
 * clock and a simulated target, so every number is exact.
 */
class OpenLoopTest {
  private static final long MS = 1_000_000;

  /** Time that moves only when the loop parks; one park can be made to oversleep (the tool stalls). */
  static final class FakeClock implements OpenLoop.Clock {
    long now;
    long oversleepAfter = Long.MAX_VALUE;
    long oversleepBy;

    @Override
    public long nanoTime() {
      return now;
    }

    @Override
    public void parkNanos(long nanos) {
      now += nanos;
      if (now >= oversleepAfter) {
        now += oversleepBy;
        oversleepAfter = Long.MAX_VALUE;
      }
    }
  }

  /** One server taking requests in arrival order, {@code service} each, doing nothing in [stallFrom, stallTo). */
  static final class SimulatedTarget implements OpenLoop.Sink {
    final Schedule schedule;
    final FakeClock clock;
    final Stats stats = new Stats();
    final long service;
    final long stallFrom;
    final long stallTo;
    final long[] latency;
    final long[] lateness;
    long freeAt;
    long released;

    SimulatedTarget(Schedule schedule, FakeClock clock, long service, long stallFrom, long stallTo) {
      this.schedule = schedule;
      this.clock = clock;
      this.service = service;
      this.stallFrom = stallFrom;
      this.stallTo = stallTo;
      this.latency = new long[(int) schedule.total()];
      this.lateness = new long[(int) schedule.total()];
    }

    @Override
    public void release(long from, long to) {
      assertThat(from).as("released in order, each once").isEqualTo(released);
      for (long i = from; i < to; i++) {
        long start = Math.max(clock.nanoTime(), freeAt);
        if (start >= stallFrom && start < stallTo) start = stallTo;
        freeAt = start + service;
        latency[(int) i] = freeAt - schedule.at(i);
        lateness[(int) i] = clock.nanoTime() - schedule.at(i);
        stats.record(Endpoint.GET, latency[(int) i], 200);
      }
      released = to;
    }

    Histogram latencies() {
      stats.sample();
      return stats.total(Endpoint.GET);
    }
  }

  @Test
  void targetStall_showsInTheLatencyOfEveryRequestDueDuringIt() {
    FakeClock clock = new FakeClock();
    Schedule schedule = new Schedule(0, 1_000, 0, 2);
    SimulatedTarget target = new SimulatedTarget(schedule, clock, MS / 2, 500 * MS, 700 * MS);

    Histogram lag = OpenLoop.run(schedule, clock, target);

    assertThat(target.released).isEqualTo(2_000);
    assertThat(lag.getMaxValue()).isLessThanOrEqualTo(OpenLoop.MIN_PARK_NANOS / 1_000);
    // the loop kept sending on time while the target stalled: it never waits for answers
    assertThat(java.util.Arrays.stream(target.lateness).max().orElseThrow()).isLessThanOrEqualTo(OpenLoop.MIN_PARK_NANOS);
    // due when the stall began: waits all of it; due at its end: waits behind the 200 requests queued before it
    assertThat(target.latency[500]).isEqualTo(200 * MS + MS / 2);
    assertThat(target.latency[699]).isEqualTo(101 * MS);
    assertThat(target.latency[400]).isEqualTo(MS / 2);
    Histogram h = target.latencies();
    assertThat(h.getTotalCount()).isEqualTo(2_000);
    // a closed-loop client would have recorded one slow request; here about a fifth of them are slow
    assertThat(h.getValueAtPercentile(50)).isLessThan(1_000);
    assertThat(h.getValueAtPercentile(90)).isGreaterThan(50_000);
    assertThat(h.getMaxValue()).isGreaterThanOrEqualTo(200_000);
  }

  @Test
  void lateLoadGenerator_sendsTheMissedRequestsAtOnceWithTheirScheduledTimes() {
    FakeClock clock = new FakeClock();
    clock.oversleepAfter = 1_000 * MS;
    clock.oversleepBy = 300 * MS;
    Schedule schedule = new Schedule(0, 1_000, 0, 2);
    SimulatedTarget target = new SimulatedTarget(schedule, clock, MS / 10, Long.MAX_VALUE, Long.MAX_VALUE);

    Histogram lag = OpenLoop.run(schedule, clock, target);

    assertThat(target.released).isEqualTo(2_000);
    // the generator's own lag is reported, so a starved generator is not mistaken for a slow target
    assertThat(lag.getMaxValue()).isGreaterThanOrEqualTo(299_000);
    // request 1001 was due at 1001 ms but could only go at 1300 ms: its latency says so
    assertThat(target.lateness[1_001]).isCloseTo(299 * MS, within(1_000L));
    assertThat(target.latency[1_001]).isGreaterThanOrEqualTo(299 * MS);
    assertThat(target.latency[1_400]).isLessThan(MS);
    assertThat(target.latencies().getValueAtPercentile(90)).isGreaterThan(10_000);
  }
}
