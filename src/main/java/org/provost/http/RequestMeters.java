package org.provost.http;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@link Api} records of each request: a response-time timer per route and status class
 * ({@code provost_http_requests_seconds}, labelled by the route's template), requests in flight
 * ({@code provost_http_requests_in_flight}), and, when switched on, one access-log line on logger
 * {@code provost.access}. With timing off (PROVOST_HTTP_METRICS=false) the first two cost nothing.
 */
final class RequestMeters {
  private static final Logger ACCESS = LoggerFactory.getLogger("provost.access");
  // fixed buckets (p50/p99 per endpoint in Prometheus) rather than ~70 per series per endpoint
  private static final Duration[] BUCKETS = java.util.stream.LongStream
      .of(1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000)
      .mapToObj(Duration::ofMillis).toArray(Duration[]::new);

  private final MeterRegistry meters;
  private final boolean accessLog;
  private final boolean timed;
  private final LongAdder inFlight = new LongAdder();
  private final io.micrometer.core.instrument.Counter abandoned;

  RequestMeters(MeterRegistry meters, boolean accessLog, boolean timed) {
    this.meters = meters;
    this.accessLog = accessLog;
    this.timed = timed;
    if (timed) {
      Gauge.builder("provost.http.requests.in.flight", inFlight, LongAdder::sum)
          .description("API requests received and not yet answered").register(meters);
      abandoned = io.micrometer.core.instrument.Counter.builder("provost.http.requests.abandoned")
          .description("API requests whose client closed the connection before they were answered")
          .register(meters);
    } else {
      abandoned = null;
    }
  }

  /** The meters of one route, looked up once at registration. */
  Route route(HttpMethod method, String path) {
    return timed ? new Route(path, timer(method, path, "2xx"), timer(method, path, "4xx"), timer(method, path, "5xx"))
        : new Route(path, null, null, null);
  }

  /** One route's timers (null when timing is off) and its template for the access log. */
  record Route(String template, Timer ok, Timer clientError, Timer serverError) {}

  private Timer timer(HttpMethod method, String path, String outcome) {
    return Timer.builder("provost.http.requests").description("response time per endpoint")
        .tags("method", method.name(), "route", path, "status", outcome)
        .serviceLevelObjectives(BUCKETS).register(meters);
  }

  void started() {
    if (timed) inFlight.increment();
  }

  /** Called just before the answer is written, so a scrape that follows it sees the request done. */
  void answering() {
    if (timed) inFlight.decrement();
  }

  /**
   * A request that ends unanswered because its client closed the connection first (a request waiting for a
   * revision): no longer in flight, counted in {@code provost_http_requests_abandoned_total}, and logged as
   * status 499 (nginx's "client closed request") when the access log is on. Not timed: there is no answer.
   */
  void abandoned(Route route, RoutingContext ctx, long nanos) {
    if (timed) {
      inFlight.decrement();
      abandoned.increment();
    }
    access(route, ctx, 499, nanos);
  }

  /** After the answer: its time, and the access line (path without its query string; never headers or bodies). */
  void finished(Route route, RoutingContext ctx, int status, long nanos) {
    if (timed) {
      Timer t = status >= 500 ? route.serverError() : status >= 400 ? route.clientError() : route.ok();
      t.record(nanos, TimeUnit.NANOSECONDS);
    }
    access(route, ctx, status, nanos);
  }

  private void access(Route route, RoutingContext ctx, int status, long nanos) {
    if (accessLog) {
      ACCESS.atInfo().setMessage("request")
          .addKeyValue("method", ctx.request().method().name()).addKeyValue("path", ctx.request().path())
          .addKeyValue("route", route.template()).addKeyValue("status", status)
          .addKeyValue("duration_ms", Math.round(nanos / 10_000.0) / 100.0).log();
    }
  }
}
