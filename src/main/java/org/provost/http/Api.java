package org.provost.http;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.provost.error.ServiceException;

/**
 * How features register their routes. Each route says whether it is public, whether it runs on the event
 * loop (answered from memory) or on a virtual thread (anything touching SQL), and gets a response-time
 * timer. Registered routes are listed for the OpenAPI document's test.
 */
public final class Api {
  private static final CharSequence CONTENT_TYPE = io.vertx.core.http.HttpHeaders.createOptimized("Content-Type");
  private static final CharSequence APPLICATION_JSON = io.vertx.core.http.HttpHeaders.createOptimized("application/json");
  private final Router router;
  private final Authenticator authenticator;
  private final ExecutorService blocking;
  private final MeterRegistry meters;
  private final BodyHandler bodies;
  private final RevisionGate gate;
  private final List<RouteSpec> routes = new ArrayList<>();
  private final JsonObject openApi = loadJson("/openapi/base.json");

  /** One registered route, with its path in OpenAPI form ({@code /v1/users/{id}}). */
  public record RouteSpec(HttpMethod method, String path) {}

  /** A request handler. Throw a ServiceException for a 4xx; anything else is a 500. */
  @FunctionalInterface
  public interface Endpoint {
    Reply handle(Request request) throws Exception;
  }

  /** How a route answered from the index treats {@code at_least_revision}. */
  public enum Freshness {
    /** The route does not read the index. */
    NONE,
    /** Answers only from an index that has applied the revision asked for: see {@link RevisionGate}. */
    AT_LEAST_REVISION
  }

  /**
   * @param gate decides {@code at_least_revision} for every {@link Freshness#AT_LEAST_REVISION} route
   * @param maxBodyBytes the largest request body accepted (413 above it)
   */
  public Api(Router router, Authenticator authenticator, ExecutorService blocking, MeterRegistry meters,
      long maxBodyBytes, RevisionGate gate) {
    this.gate = gate;
    this.router = router;
    this.authenticator = authenticator;
    this.blocking = blocking;
    this.meters = meters;
    this.bodies = BodyHandler.create(false).setBodyLimit(maxBodyBytes);
  }

  /** Authenticated, off the event loop: the default for everything that touches SQL. */
  public void blocking(HttpMethod method, String path, Endpoint endpoint) {
    add(method, path, endpoint, true, false, bodies, Freshness.NONE);
  }

  /**
   * Like {@link #blocking(HttpMethod, String, Endpoint)}, with its own request body limit instead of the
   * global one (bulk uploads such as imports); a larger body answers 413 before the endpoint runs.
   */
  public void blocking(HttpMethod method, String path, long maxBodyBytes, Endpoint endpoint) {
    add(method, path, endpoint, true, false, BodyHandler.create(false).setBodyLimit(maxBodyBytes), Freshness.NONE);
  }

  /** Public (no credentials), off the event loop: login. */
  public void publicBlocking(HttpMethod method, String path, Endpoint endpoint) {
    add(method, path, endpoint, false, false, bodies, Freshness.NONE);
  }

  /**
   * Authenticated, answered on the event loop from memory: must never block. With
   * {@link Freshness#AT_LEAST_REVISION} the endpoint runs only once the revision the request asks for is
   * applied (or the request is refused), so no handler reads that parameter itself.
   */
  public void onLoop(HttpMethod method, String path, Freshness freshness, Endpoint endpoint) {
    add(method, path, endpoint, true, true, bodies, freshness);
  }

  /** Public, on the event loop, written by the handler itself (health, metrics, documents). */
  public void raw(HttpMethod method, String path, Handler<RoutingContext> handler) {
    routes.add(new RouteSpec(method, path));
    router.route(method, vertxPath(path)).handler(handler);
  }

  public List<RouteSpec> routes() {
    return List.copyOf(routes);
  }

  /**
   * Adds a feature's OpenAPI fragment (a resource holding {@code paths} and optionally
   * {@code components.schemas}) to the published document. Each feature describes the routes it mounts.
   */
  public void describe(String resource) {
    JsonObject fragment = loadJson(resource);
    JsonObject paths = openApi.getJsonObject("paths");
    fragment.getJsonObject("paths", new JsonObject()).forEach(e -> {
      if (paths.containsKey(e.getKey())) throw new IllegalStateException(resource + " redefines " + e.getKey());
      paths.put(e.getKey(), e.getValue());
    });
    JsonObject schemas = fragment.getJsonObject("components", new JsonObject()).getJsonObject("schemas");
    if (schemas != null) {
      openApi.getJsonObject("components").getJsonObject("schemas").mergeIn(schemas);
    }
  }

  /** The OpenAPI document of every described route. */
  public JsonObject openApi() {
    return openApi.copy();
  }

  private static JsonObject loadJson(String resource) {
    try (var in = Api.class.getResourceAsStream(resource)) {
      if (in == null) throw new IllegalStateException("missing resource " + resource);
      return new JsonObject(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private void add(HttpMethod method, String path, Endpoint given, boolean authenticated, boolean onLoop,
      BodyHandler bodyHandler, Freshness freshness) {
    routes.add(new RouteSpec(method, path));
    Timers timers = new Timers(meters, method, path);
    Endpoint endpoint = freshness == Freshness.AT_LEAST_REVISION ? gated(given) : given;
    if (authenticated && bodyHandler != bodies) {
      // a large upload without credentials is answered 401 before its body is buffered (a route of its own:
      // Vert.x runs body handlers before any other handler of a route)
      router.route(method, vertxPath(path)).handler(ctx -> {
        if (bearer(ctx) == null) dispatch(ctx, endpoint, true, onLoop, timers);
        else ctx.next();
      });
    }
    Route route = router.route(method, vertxPath(path));
    if (method == HttpMethod.POST || method == HttpMethod.PATCH || method == HttpMethod.PUT) {
      route.handler(bodyHandler);
    }
    route.handler(ctx -> dispatch(ctx, endpoint, authenticated, onLoop, timers));
  }

  /** The endpoint behind the revision gate: a pending reply that runs it once the revision is applied. */
  private Endpoint gated(Endpoint endpoint) {
    return req -> {
      if (QueryString.get(req.routingContext().request().query(), RevisionGate.PARAMETER) == null
          && (req.routingContext().body() == null || req.routingContext().body().length() == 0)) {
        return endpoint.handle(req); // the common case: no revision asked for, nothing to parse
      }
      java.util.concurrent.CompletableFuture<Reply> later = new java.util.concurrent.CompletableFuture<>();
      gate.admit(req.routingContext(), () -> {
        try {
          Reply r = endpoint.handle(req);
          if (r.pending() != null) r.pending().whenComplete((v, t) -> {
            if (t != null) later.completeExceptionally(t);
            else later.complete(v);
          });
          else later.complete(r);
        } catch (Throwable t) {
          later.completeExceptionally(t);
        }
      }, later::completeExceptionally);
      return later.isDone() && !later.isCompletedExceptionally() ? later.join() : Reply.later(later);
    };
  }

  static String vertxPath(String openApiPath) {
    return openApiPath.replaceAll("\\{([a-z_]+)}", ":$1");
  }

  private void dispatch(RoutingContext ctx, Endpoint endpoint, boolean authenticated, boolean onLoop,
      Timers timers) {
    long start = System.nanoTime();
    String token = authenticated ? bearer(ctx) : null;
    if (authenticated && token == null) {
      finish(ctx, null, new ServiceException.Unauthenticated("missing_credentials",
          "send Authorization: Bearer <session token or API key>"), timers, start);
      return;
    }
    Principal known = token == null ? null : authenticator.cached(token).orElse(null);
    if (onLoop && (!authenticated || known != null)) {
      runHere(ctx, endpoint, known, timers, start);
      return;
    }
    Context context = Vertx.currentContext();
    blocking.execute(() -> {
      Principal principal;
      try {
        principal = !authenticated ? null : known != null ? known : authenticator.load(token);
      } catch (Throwable t) {
        context.runOnContext(v -> finish(ctx, null, t, timers, start));
        return;
      }
      if (onLoop) {
        context.runOnContext(v -> runHere(ctx, endpoint, principal, timers, start));
        return;
      }
      Reply reply = null;
      Throwable failure = null;
      try {
        reply = endpoint.handle(new Request(ctx, principal));
      } catch (Throwable t) {
        failure = t;
      }
      Reply r = reply;
      Throwable f = failure;
      context.runOnContext(v -> finish(ctx, r, f, timers, start));
    });
  }

  private static void runHere(RoutingContext ctx, Endpoint endpoint, Principal principal, Timers timers,
      long start) {
    Reply reply = null;
    Throwable failure = null;
    try {
      reply = endpoint.handle(new Request(ctx, principal));
    } catch (Throwable t) {
      failure = t;
    }
    finish(ctx, reply, failure, timers, start);
  }

  private static void finish(RoutingContext ctx, Reply reply, Throwable failure, Timers timers, long start) {
    if (failure == null && reply.pending() != null) {
      Context context = Vertx.currentContext();
      reply.pending().whenComplete((r, t) -> {
        Throwable cause = t instanceof java.util.concurrent.CompletionException ce && ce.getCause() != null
            ? ce.getCause() : t;
        if (context == null) {
          finish(ctx, r, cause, timers, start);
        } else {
          context.runOnContext(v -> finish(ctx, r, cause, timers, start));
        }
      });
      return;
    }
    if (failure != null) {
      Problems.send(ctx, failure);
    } else if (!ctx.response().ended()) {
      var response = ctx.response().setStatusCode(reply.status());
      if (reply.encoded() != null) {
        response.putHeader(CONTENT_TYPE, APPLICATION_JSON).end(reply.encoded());
      } else if (reply.body() == null) {
        response.end();
      } else {
        response.putHeader(CONTENT_TYPE, APPLICATION_JSON).end(reply.body().toBuffer());
      }
    }
    timers.record(ctx.response().getStatusCode(), System.nanoTime() - start);
  }

  static String bearer(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null || header.length() < 8 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) return null;
    String token = header.substring(7).trim();
    return token.isEmpty() ? null : token;
  }

  private static final java.time.Duration[] SLO_BUCKETS = java.util.stream.LongStream
      .of(1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000)
      .mapToObj(java.time.Duration::ofMillis).toArray(java.time.Duration[]::new);

  /** Response-time timers for one route, looked up once at registration. */
  private static final class Timers {
    private final Timer ok;
    private final Timer clientError;
    private final Timer serverError;

    Timers(MeterRegistry meters, HttpMethod method, String path) {
      this.ok = timer(meters, method, path, "2xx");
      this.clientError = timer(meters, method, path, "4xx");
      this.serverError = timer(meters, method, path, "5xx");
    }

    private static Timer timer(MeterRegistry meters, HttpMethod method, String path, String outcome) {
      return Timer.builder("provost.http.requests")
          .description("response time per endpoint")
          .tags("method", method.name(), "route", path, "status", outcome)
          // fixed buckets (p50/p99 per endpoint in Prometheus) rather than ~70 per series per endpoint
          .serviceLevelObjectives(SLO_BUCKETS)
          .register(meters);
    }

    void record(int status, long nanos) {
      Timer t = status >= 500 ? serverError : status >= 400 ? clientError : ok;
      t.record(nanos, TimeUnit.NANOSECONDS);
    }
  }
}
