package org.provost.loadtest;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Once a second, on its own thread: takes the last second's latencies, prints one progress line (requests
 * released and finished, errors, p99, requests outstanding, per traffic class when there are several) and
 * keeps the measured seconds for the report.
 */
final class Progress {
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  private final Schedule schedule;
  private final int warmupSeconds;
  private final Stats warmup;
  private final Stats measured;
  private final Transport transport;
  private final PrintStream out;
  private final List<Report.Second> timeline = new ArrayList<>();
  private final Thread thread;
  /** Wall-clock time (epoch ms) of the schedule's start, for the timeline's seconds. */
  private final long startMillis;
  private volatile boolean running = true;
  private int second;
  private long releasedBefore;

  Progress(Schedule schedule, int warmupSeconds, Stats warmup, Stats measured, Transport transport, PrintStream out) {
    this.schedule = schedule;
    this.warmupSeconds = warmupSeconds;
    this.warmup = warmup;
    this.measured = measured;
    this.transport = transport;
    this.out = out;
    this.startMillis = System.currentTimeMillis() - (System.nanoTime() - schedule.start()) / 1_000_000;
    this.thread = Thread.ofPlatform().daemon().name("loadtest-progress").unstarted(this::loop);
  }

  void start() {
    thread.start();
  }

  private void loop() {
    while (running) {
      long due = schedule.start() + (second + 1) * SECOND;
      long wait;
      while (running && (wait = due - System.nanoTime()) > 0) LockSupport.parkNanos(wait);
      if (running) tick();
    }
  }

  /** Stops the ticking and takes the last, partial second; returns the measured seconds. */
  List<Report.Second> finish() throws InterruptedException {
    running = false;
    LockSupport.unpark(thread);
    thread.join();
    tick();
    return timeline;
  }

  private void tick() {
    second++;
    Map<Endpoint, Stats.Interval> warm = warmup.sample();
    Map<Endpoint, Stats.Interval> real = measured.sample();
    Histogram latencies = new Histogram(3);
    long done = 0;
    long errors = 0;
    for (Map<Endpoint, Stats.Interval> part : List.of(warm, real)) {
      for (Stats.Interval i : part.values()) {
        latencies.add(i.latencies());
        done += i.count();
        errors += i.errors();
      }
    }
    if (second > warmupSeconds) {
      timeline.add(Report.Second.of(second - warmupSeconds, startMillis + second * 1_000L, real));
    }
    long released = transport.released();
    if (!running && done == 0 && released == releasedBefore) return;
    String phase = second <= warmupSeconds ? "warm-up " : "";
    Map<TrafficClass, Long> byClass = transport.outstandingByClass();
    StringBuilder perClass = new StringBuilder();
    if (byClass.size() > 1) {
      byClass.forEach((c, n) -> perClass.append(perClass.isEmpty() ? " (" : ", ").append(c.label()).append(' ')
          .append(n));
      perClass.append(')');
    }
    out.printf("[%s%4ds] sent %7d/s  done %7d/s  errors %5d  p99 %9.2f ms  outstanding %d%s%n", phase,
        second, released - releasedBefore, done, errors, Report.ms(latencies.getValueAtPercentile(99)),
        transport.outstanding(), perClass);
    releasedBefore = released;
  }
}
