package org.provost.http;

import io.micrometer.core.instrument.MeterRegistry;
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
import org.provost.error.ServiceException;
import org.slf4j.MDC;

/**
 * How features register their routes. Each route says whether it is public, which {@link Lane} it runs in
 * (on the event loop, answered from memory; or on a virtual thread behind the SQL or the hash lane's
 * {@link Admission}), and gets a response-time timer. The lane is decided here, once per route, like
 * {@link Freshness}: a handler never admits itself. Replies of the SQL and hash lanes are encoded to JSON on
 * their virtual thread, so a large page never occupies the event loop. Registered routes are listed for the
 * OpenAPI document's test.
 *
 * <p>Every request gets an id ({@link RequestIds}): echoed in {@code X-Request-Id}, in the logging context
 * while its code runs (on the event loop and, through the executor, on virtual threads), and in the access
 * log line ({@code provost.access}, when switched on).
 */
public final class Api {
  private static final CharSequence CONTENT_TYPE = io.vertx.core.http.HttpHeaders.createOptimized("Content-Type");
  private static final CharSequence APPLICATION_JSON = io.vertx.core.http.HttpHeaders.createOptimized("application/json");
  private final Router router;
  private final Authenticator authenticator;
  private final ExecutorService blocking;
  private final ExecutorService fills;
  private final MeterRegistry meters;
  private final BodyHandler bodies;
  private final RevisionGate gate;
  private final List<RouteSpec> routes = new ArrayList<>();
  private final JsonObject openApi = loadJson("/openapi/base.json");
  private final RequestMeters observed;
  private final Admissions admissions;

  /**
   * The admission of each lane that has one (the memory lane has none: it never waits). The SQL lane has two
   * shares of the pool: {@code sqlReads} for GET routes and {@code sqlWrites} for the others. Writes queue
   * behind one global writer lock (db.Changelog), so more of them at once would only hold connections
   * waiting for it; their own small share keeps a burst of writes from taking the connections reads need.
   * Writes committed in groups ({@link #blockingGrouped}: grants and revokes) have a larger share of their
   * own, {@code groupedWrites}: they hold no connection while they wait (one committer runs each group), and
   * the more of them wait together, the more share one commit.
   */
  public record Admissions(Admission sqlReads, Admission sqlWrites, Admission groupedWrites, Admission hash) {
    Admission of(Lane lane, HttpMethod method) {
      return switch (lane) {
        case MEMORY -> null;
        case SQL -> method == HttpMethod.GET || method == HttpMethod.HEAD ? sqlReads : sqlWrites;
        case HASH -> hash;
      };
    }
  }

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
   * @param maxBodyBytes the largest request body accepted (413 above it)
   * @param accessLog one INFO line per request on logger {@code provost.access}
   * @param httpMetrics response-time timers per route and the requests-in-flight gauge; false only to
   *     measure what they cost
   * @param gate decides {@code at_least_revision} for every {@link Freshness#AT_LEAST_REVISION} route
   * @param admissions the SQL and hash lanes' admission limits
   * @param blocking virtual threads: every wait for a lane's permit, and the admitted work of a lane whose
   *     admission names no threads of its own (the hash lane's requests, grouped writes)
   * @param fills where a token this instance has not seen is loaded, whatever the lane ({@link FillThreads})
   */
  public Api(Router router, Authenticator authenticator, ExecutorService blocking, ExecutorService fills,
      MeterRegistry meters, long maxBodyBytes, boolean accessLog, boolean httpMetrics, RevisionGate gate,
      Admissions admissions) {
    this.admissions = admissions;
    this.observed = new RequestMeters(meters, accessLog, httpMetrics);
    this.gate = gate;
    this.router = router;
    this.authenticator = authenticator;
    this.blocking = blocking;
    this.fills = fills;
    this.meters = meters;
    this.bodies = BodyHandler.create(false).setBodyLimit(maxBodyBytes);
  }

  /** Authenticated, in the {@link Lane#SQL} lane: the default for everything that touches SQL. */
  public void blocking(HttpMethod method, String path, Endpoint endpoint) {
    blocking(Lane.SQL, method, path, endpoint);
  }

  /** Authenticated, off the event loop in {@code lane} ({@link Lane#SQL} or {@link Lane#HASH}). */
  public void blocking(Lane lane, HttpMethod method, String path, Endpoint endpoint) {
    add(method, path, endpoint, true, offLoop(lane), bodies, Freshness.NONE, null);
  }

  /**
   * Authenticated, in the {@link Lane#SQL} lane, for a write that commits through the group commit
   * ({@code Authority#writeGrouped}): admitted by the grouped writes' own share
   * ({@code PROVOST_SQL_LANE_GROUPED_WRITES}), not the share of writes that each hold a connection.
   */
  public void blockingGrouped(HttpMethod method, String path, Endpoint endpoint) {
    add(method, path, endpoint, true, Lane.SQL, bodies, Freshness.NONE, null, admissions.groupedWrites());
  }

  /**
   * Like {@link #blocking(HttpMethod, String, Endpoint)}, with its own request body limit instead of the
   * global one (bulk uploads such as imports); a larger body answers 413 before the endpoint runs.
   */
  public void blocking(HttpMethod method, String path, long maxBodyBytes, Endpoint endpoint) {
    add(method, path, endpoint, true, Lane.SQL, BodyHandler.create(false).setBodyLimit(maxBodyBytes),
        Freshness.NONE, null);
  }

  /** Public (no credentials), off the event loop in {@code lane} ({@link Lane#HASH} for login). */
  public void publicBlocking(Lane lane, HttpMethod method, String path, Endpoint endpoint) {
    add(method, path, endpoint, false, offLoop(lane), bodies, Freshness.NONE, null);
  }

  /**
   * Like {@link #publicBlocking(Lane, HttpMethod, String, Endpoint)}, with {@code precheck} run first on the
   * event loop, before the lane's admission: it must answer from memory and never block, and it refuses a
   * request by throwing a {@code ServiceException} (a login from an address already over its failure limit
   * answers 429 at once, never taking a place in the hash lane that real users need).
   */
  public void publicBlocking(Lane lane, HttpMethod method, String path, Endpoint precheck, Endpoint endpoint) {
    add(method, path, endpoint, false, offLoop(lane), bodies, Freshness.NONE, precheck);
  }

  private static Lane offLoop(Lane lane) {
    if (lane == Lane.MEMORY) throw new IllegalArgumentException("the memory lane runs on the event loop: use onLoop");
    return lane;
  }

  /**
   * Authenticated, answered on the event loop from memory: must never block. With
   * {@link Freshness#AT_LEAST_REVISION} the endpoint runs only once the revision the request asks for is
   * applied (or the request is refused), so no handler reads that parameter itself.
   */
  public void onLoop(HttpMethod method, String path, Freshness freshness, Endpoint endpoint) {
    add(method, path, endpoint, true, Lane.MEMORY, bodies, freshness, null);
  }

  /** Public, on the event loop, written by the handler itself (health, metrics, documents). */
  public void raw(HttpMethod method, String path, Handler<RoutingContext> handler) {
    routes.add(new RouteSpec(method, path));
    router.route(method, vertxPath(path)).handler(ctx -> {
      RequestIds.assign(ctx);
      handler.handle(ctx);
    });
  }

  /** The SQL and hash lanes' admission limits. */
  public Admissions admissions() {
    return admissions;
  }

  /** The registry features register their own meters in (counters of grants, logins, ...). */
  public MeterRegistry meters() {
    return meters;
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

  private void add(HttpMethod method, String path, Endpoint given, boolean authenticated, Lane lane,
      BodyHandler bodyHandler, Freshness freshness, Endpoint precheck) {
    add(method, path, given, authenticated, lane, bodyHandler, freshness, precheck, admissions.of(lane, method));
  }

  private void add(HttpMethod method, String path, Endpoint endpoint, boolean authenticated, Lane lane,
      BodyHandler bodyHandler, Freshness freshness, Endpoint precheck, Admission admission) {
    if (freshness == Freshness.AT_LEAST_REVISION && lane != Lane.MEMORY) {
      throw new IllegalArgumentException("at_least_revision is decided for the memory lane's routes only: " + path);
    }
    routes.add(new RouteSpec(method, path));
    Mounted mounted = new Mounted(endpoint, authenticated, lane, admission, observed.route(method, path), precheck,
        freshness == Freshness.AT_LEAST_REVISION);
    if (authenticated && bodyHandler != bodies) {
      // a large upload without credentials is answered 401 before its body is buffered (a route of its own:
      // Vert.x runs body handlers before any other handler of a route)
      router.route(method, vertxPath(path)).handler(ctx -> {
        if (bearer(ctx) == null) dispatch(ctx, mounted);
        else ctx.next();
      });
    }
    Route route = router.route(method, vertxPath(path));
    if (method == HttpMethod.POST || method == HttpMethod.PATCH || method == HttpMethod.PUT) {
      route.handler(bodyHandler);
    }
    route.handler(ctx -> dispatch(ctx, mounted));
  }

  /**
   * One route's fixed parts, decided when it is added.
   *
   * @param admission the lane's admission; null for the memory lane
   * @param precheck run on the event loop before the admission; null when none
   * @param gated whether {@code at_least_revision} applies ({@link Freshness#AT_LEAST_REVISION})
   */
  private record Mounted(Endpoint endpoint, boolean authenticated, Lane lane, Admission admission,
      RequestMeters.Route timers, Endpoint precheck, boolean gated) {}

  static String vertxPath(String openApiPath) {
    return openApiPath.replaceAll("\\{([a-z_]+)}", ":$1");
  }

  private void dispatch(RoutingContext ctx, Mounted m) {
    long start = System.nanoTime();
    String requestId = RequestIds.assign(ctx);
    observed.started();
    MDC.put(RequestIds.MDC_KEY, requestId);
    try {
      route(ctx, m, start);
    } finally {
      MDC.remove(RequestIds.MDC_KEY);
    }
  }

  /**
   * Authenticates (from memory when the token is known) and runs the endpoint: here for the memory lane, else
   * once the lane's admission lets it in, on the lane's threads (with the request's logging context).
   */
  private void route(RoutingContext ctx, Mounted m, long start) {
    String token = m.authenticated ? bearer(ctx) : null;
    if (m.authenticated && token == null) {
      finish(ctx, null, SessionCookie.withoutCsrfHeader(ctx)
          ? new ServiceException.Unauthenticated("csrf_header_required", "a session cookie counts only with the "
              + SessionCookie.CSRF_HEADER + " header")
          : new ServiceException.Unauthenticated("missing_credentials",
              "send Authorization: Bearer <session token or API key>"), m.timers, start);
      return;
    }
    if (!m.authenticated) {
      proceed(ctx, m, null, start, 0);
      return;
    }
    // what this instance had applied before the token was resolved: the principal reflects at least that
    long resolvedAt = m.gated ? gate.applied() : 0;
    Principal known = authenticator.cached(token).orElse(null);
    if (known != null) {
      proceed(ctx, m, known, start, resolvedAt); // the common case, allocating nothing more
      return;
    }
    load(ctx, token, principal -> proceed(ctx, m, principal, start, resolvedAt),
        failure -> finish(ctx, null, failure, m.timers, start));
  }

  /**
   * Resolves a token that is not in memory and hands its principal to {@code then} on the event loop, once it
   * is loaded on the fill threads, whatever the lane (at the process's priority and through the fill pool, so
   * a check that shares that load never waits on a lowered thread). A token that is unknown, expired or
   * revoked goes to {@code failed} as the 401 to answer.
   */
  private void load(RoutingContext ctx, String token, java.util.function.Consumer<Principal> then,
      java.util.function.Consumer<Throwable> failed) {
    if (!authenticator.recognizes(token)) {
      failed.accept(Authenticator.unrecognized());
      return;
    }
    Context context = Vertx.currentContext();
    try {
      fills.execute(() -> {
        Principal loaded;
        Throwable failure = null;
        try {
          loaded = authenticator.load(token);
        } catch (Throwable t) {
          loaded = null;
          failure = t;
        }
        Principal p = loaded;
        Throwable f = failure;
        context.runOnContext(v -> inRequestContext(ctx, () -> {
          if (f == null) then.accept(p);
          else failed.accept(f);
        }));
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      failed.accept(FillThreads.busy());
    }
  }

  /**
   * Runs the endpoint for {@code principal} (null: an unauthenticated route), on the event loop.
   *
   * @param resolvedAt the revision this instance had applied before the principal was resolved
   */
  private void proceed(RoutingContext ctx, Mounted m, Principal principal, long start, long resolvedAt) {
    if (m.lane == Lane.MEMORY) {
      if (m.gated && asksForRevision(ctx)) {
        // a principal resolved before the wanted revision was applied may be one that revision ended (a
        // logout, a revoked key, a deactivated account): it is resolved again once the revision is applied
        gate.admit(ctx, resolvedAt, () -> runHere(ctx, m, principal, start),
            () -> inRequestContext(ctx, () -> resolveAgain(ctx, m, start)), // after a wait: outside it
            failure -> finish(ctx, null, failure, m.timers, start),
            () -> inRequestContext(ctx, () -> observed.abandoned(m.timers, ctx, System.nanoTime() - start)));
      } else {
        runHere(ctx, m, principal, start);
      }
      return;
    }
    if (m.precheck != null) {
      try {
        m.precheck.handle(new Request(ctx, null));
      } catch (Throwable t) {
        finish(ctx, null, t, m.timers, start); // refused here, before it could take a place in the lane
        return;
      }
    }
    Context context = Vertx.currentContext();
    // the work returns its answer, to be handed to the event loop once the lane's permit is back
    java.util.function.Supplier<Runnable> work = () -> {
      Reply reply = null;
      Throwable failure = null;
      try {
        // encoded here, on the lane's thread: a 500-user page never occupies the event loop
        reply = m.endpoint.handle(new Request(ctx, principal)).encodedNow();
      } catch (Throwable t) {
        failure = t;
      }
      Reply r = reply;
      Throwable f = failure;
      return () -> context.runOnContext(v -> finish(ctx, r, f, m.timers, start));
    };
    m.admission.submit(blocking, work, refused -> context.runOnContext(v -> finish(ctx, null, refused, m.timers,
        start)));
  }

  /** Resolves the request's token again (from memory, else loaded) and runs the endpoint for it. */
  private void resolveAgain(RoutingContext ctx, Mounted m, long start) {
    String token = bearer(ctx);
    Principal known = authenticator.cached(token).orElse(null);
    if (known != null) {
      runHere(ctx, m, known, start);
      return;
    }
    load(ctx, token, fresh -> runHere(ctx, m, fresh, start), failure -> finish(ctx, null, failure, m.timers, start));
  }

  /**
   * Runs {@code r} with the request's id in the logging context: for code the event loop runs later, outside
   * the dispatch that set it (a fill's answer, a waiter's release); the fill threads copy it from there. A
   * context already set is left as it is.
   */
  private static void inRequestContext(RoutingContext ctx, Runnable r) {
    boolean outside = MDC.get(RequestIds.MDC_KEY) == null;
    if (outside) MDC.put(RequestIds.MDC_KEY, ctx.response().headers().get(RequestIds.HEADER));
    try {
      r.run();
    } finally {
      if (outside) MDC.remove(RequestIds.MDC_KEY);
    }
  }

  /** Whether the request names a revision at all (the common case, none, parses nothing). */
  private static boolean asksForRevision(RoutingContext ctx) {
    return QueryString.get(ctx.request().query(), RevisionGate.PARAMETER) != null
        || (ctx.body() != null && ctx.body().length() > 0);
  }

  private void runHere(RoutingContext ctx, Mounted m, Principal principal, long start) {
    Reply reply = null;
    Throwable failure = null;
    try {
      reply = m.endpoint.handle(new Request(ctx, principal));
    } catch (Throwable t) {
      failure = t;
    }
    finish(ctx, reply, failure, m.timers, start);
  }

  private void finish(RoutingContext ctx, Reply reply, Throwable failure, RequestMeters.Route timers, long start) {
    String outer = MDC.get(RequestIds.MDC_KEY);
    if (outer == null) MDC.put(RequestIds.MDC_KEY, ctx.response().headers().get(RequestIds.HEADER));
    try {
      complete(ctx, reply, failure, timers, start);
    } finally {
      if (outer == null) MDC.remove(RequestIds.MDC_KEY);
    }
  }

  private void complete(RoutingContext ctx, Reply reply, Throwable failure, RequestMeters.Route timers, long start) {
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
    observed.answering();
    if (failure != null) {
      Problems.send(ctx, failure);
    } else if (!ctx.response().ended()) {
      var response = ctx.response().setStatusCode(reply.status());
      if (reply.headers() != null) reply.headers().forEach(response::putHeader);
      if (reply.encoded() != null) {
        if (reply.headers() == null || !reply.headers().containsKey("Content-Type")) {
          response.putHeader(CONTENT_TYPE, APPLICATION_JSON);
        }
        response.end(reply.encoded());
      } else if (reply.body() == null) {
        response.end();
      } else {
        response.putHeader(CONTENT_TYPE, APPLICATION_JSON).end(reply.body().toBuffer());
      }
    }
    observed.finished(timers, ctx, ctx.response().getStatusCode(), System.nanoTime() - start);
  }

  /**
   * The caller's token: from {@code Authorization: Bearer}, else from the console's session cookie when the
   * request carries the CSRF header ({@link SessionCookie}); null when neither.
   */
  static String bearer(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null) return SessionCookie.token(ctx);
    if (header.length() < 8 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) return null;
    String token = header.substring(7).trim();
    return token.isEmpty() ? null : token;
  }
}
