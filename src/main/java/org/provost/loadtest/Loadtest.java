package org.provost.loadtest;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * One run of {@code provost loadtest}: prepare (log in, discover), open the connections, release requests on
 * schedule while printing progress, wait for the last answers, report, clean up.
 */
public final class Loadtest {
  private static final long START_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private Loadtest() {}

  /**
   * Runs {@code plan} with {@code eventLoops} sending threads, printing progress to {@code out}.
   *
   * @throws IllegalStateException when the target cannot be prepared (no admin login, nobody in the pool can
   *     log in) or no connection to it can be opened
   */
  public static Report run(Plan plan, int eventLoops, PrintStream out) throws InterruptedException {
    out.printf("provost loadtest: %s, %d req/s for %d s (after a %d s warm-up ramp), connections %s, mix %s%n",
        plan.url(), plan.rate(), plan.duration(), plan.warmup(), plan.connections().describe(plan.mix()),
        plan.mix());
    SetupClient http = new SetupClient(plan.url(), plan.timeout());
    Fixtures fixtures = plan.mix().needsApi() ? Fixtures.prepare(plan, http, out) : Fixtures.none();
    try {
      return run(plan, Workload.of(plan, fixtures), eventLoops, out);
    } finally {
      try {
        fixtures.cleanup(http);
      } catch (RuntimeException e) {
        out.println("  clean-up incomplete: " + e.getMessage());
      }
    }
  }

  /** Sends {@code workload} on {@code plan}'s schedule and connections, and reports; prepares nothing. */
  static Report run(Plan plan, Workload workload, int eventLoops, PrintStream out) throws InterruptedException {
    Stats warmup = new Stats();
    Stats measured = new Stats();
    try (Transport transport = new Transport(plan.url(), plan.connections().used(plan.mix()), eventLoops,
        plan.timeout().toNanos(), workload, warmup, measured)) {
      transport.connect();
      Schedule schedule = new Schedule(System.nanoTime() + START_DELAY_NANOS, plan.rate(), plan.warmup(),
          plan.duration());
      long measuredStartMillis = System.currentTimeMillis()
          + (schedule.measuredStart() - System.nanoTime()) / 1_000_000;
      transport.start(schedule);
      Progress progress = new Progress(schedule, plan.warmup(), warmup, measured, transport, out);
      progress.start();
      Histogram lag = OpenLoop.run(schedule, OpenLoop.SYSTEM, transport);
      long settledAt = transport.awaitSettled();
      List<Report.Second> timeline = progress.finish();
      double elapsed = Math.max(plan.duration(), (settledAt - schedule.measuredStart()) / 1e9);
      return Report.of(plan, measured, timeline, elapsed, measuredStartMillis, lag);
    }
  }
}
