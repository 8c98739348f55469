package org.provost.metrics;

import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.slf4j.MDC;

/**
 * What each request pays for being observed, piece by piece, on two threads (the two event loops):
 * the per-route response-time timer (Prometheus, 13 fixed buckets), the in-flight gauge's two LongAdder
 * updates, and the request id with its MDC entry. Compare with a check's whole cost (1 / its throughput
 * per core) in docs/PERFORMANCE.md.
 *
 * <p>Run: {@code bin/bench MetricsCostBenchmark -prof gc}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(2)
@State(Scope.Benchmark)
public class MetricsCostBenchmark {
  Timer timer;
  LongAdder inFlight = new LongAdder();

  @Setup
  public void setUp() {
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    timer = Timer.builder("provost.http.requests").tags("method", "GET", "route", "/v1/check", "status", "2xx")
        .serviceLevelObjectives(java.util.stream.LongStream.of(1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500,
            5000, 10000).mapToObj(Duration::ofMillis).toArray(Duration[]::new))
        .register(meters);
  }

  @Benchmark
  public long nanoTime() {
    return System.nanoTime();
  }

  @Benchmark
  public void responseTimer() {
    timer.record(180_000, TimeUnit.NANOSECONDS);
  }

  @Benchmark
  public void inFlightGauge() {
    inFlight.increment();
    inFlight.decrement();
  }

  @Benchmark
  public void requestIdInMdc(Blackhole bh) {
    String id = org.provost.http.RequestIds.accept(null);
    MDC.put("request_id", id);
    bh.consume(id);
    MDC.remove("request_id");
  }
}
