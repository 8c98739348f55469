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

  public static Report run(Plan plan, int eventLoops, PrintStream out) throws InterruptedException {
    out.printf("provost loadtest: %s, %d req/s for %d s (after a %d s warm-up ramp), %d connections, mix %s%n",
        plan.url(), plan.rate(), plan.duration(), plan.warmup(), plan.connections(), plan.mix());
    SetupClient http = new SetupClient(plan.url(), plan.timeout());
    Fixtures fixtures = plan.mix().needsApi() ? Fixtures.prepare(plan, http, out) : Fixtures.none();
    try {
      Workload workload = Workload.of(plan, fixtures);
      Stats warmup = new Stats();
      Stats measured = new Stats();
      try (Transport transport = new Transport(plan.url(), plan.connections(), eventLoops, plan.timeout().toNanos(),
          workload, warmup, measured)) {
        transport.connect();
        Schedule schedule = new Schedule(System.nanoTime() + START_DELAY_NANOS, plan.rate(), plan.warmup(),
            plan.duration());
        transport.start(schedule);
        Progress progress = new Progress(schedule, plan.warmup(), warmup, measured, transport, out);
        progress.start();
        Histogram lag = OpenLoop.run(schedule, OpenLoop.SYSTEM, transport);
        long settledAt = transport.awaitSettled();
        List<Report.Second> timeline = progress.finish();
        double elapsed = Math.max(plan.duration(), (settledAt - schedule.measuredStart()) / 1e9);
        return Report.of(plan, measured, timeline, elapsed, lag);
      }
    } finally {
      try {
        fixtures.cleanup(http);
      } catch (RuntimeException e) {
        out.println("  clean-up incomplete: " + e.getMessage());
      }
    }
  }
}
