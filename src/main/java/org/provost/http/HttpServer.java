package org.provost.http;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One HTTP listener per event loop, all sharing one router. With port 0 they share one free port.
 *
 * <p>Shutting down is two steps: {@link #drain} makes every further response say {@code Connection: close}
 * (so a proxy stops reusing its kept-alive connections while the listener still accepts), then
 * {@link #shutdown} stops accepting and waits, bounded, for the requests in flight.
 */
public final class HttpServer implements AutoCloseable {
  private final Vertx vertx;
  private final int port;
  private final List<io.vertx.core.http.HttpServer> listeners;
  private final AtomicBoolean draining;

  private HttpServer(Vertx vertx, int port, List<io.vertx.core.http.HttpServer> listeners,
      AtomicBoolean draining) {
    this.vertx = vertx;
    this.port = port;
    this.listeners = listeners;
    this.draining = draining;
  }

  public static HttpServer start(Vertx vertx, Router router, String host, int port, int eventLoops) {
    router.errorHandler(404, ctx -> Problems.status(ctx, 404));
    router.errorHandler(405, ctx -> Problems.status(ctx, 405));
    router.errorHandler(413, ctx -> Problems.status(ctx, 413));
    router.errorHandler(500, ctx -> Problems.send(ctx, ctx.failure() == null
        ? new IllegalStateException("unhandled failure") : ctx.failure()));
    // Vert.x shares one listening socket between servers of the same port; a negative port means
    // "one random free port, shared by every listener that asks for it"
    AtomicInteger actual = new AtomicInteger(port == 0 ? -1 : port);
    List<io.vertx.core.http.HttpServer> listeners = new CopyOnWriteArrayList<>();
    AtomicBoolean draining = new AtomicBoolean();
    await(vertx.deployVerticle(() -> new Listener(router, host, actual, listeners, draining),
        new DeploymentOptions().setInstances(eventLoops)), "start");
    return new HttpServer(vertx, actual.get(), listeners, draining);
  }

  public int port() {
    return port;
  }

  private static <T> T await(Future<T> future, String what) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      for (Throwable c = e; c != null; c = c.getCause()) {
        if (c instanceof java.net.BindException || String.valueOf(c.getMessage()).contains("Address already in use")) {
          throw new org.provost.config.StartupException("the HTTP port is already in use (PROVOST_HTTP_PORT): stop "
              + "what listens there, or set PROVOST_HTTP_PORT to a free port");
        }
      }
      throw new IllegalStateException("HTTP server failed to " + what + ": " + e.getMessage(), e);
    }
  }

  /** From now on every response carries {@code Connection: close}; the listener still accepts. */
  public void drain() {
    draining.set(true);
  }

  /**
   * Stops accepting connections, lets each open connection finish the request it is serving (then closes
   * it), and returns when all are done or {@code grace} has passed, whichever is first; connections still
   * busy then are closed. Idempotent. Blocks the caller: never call it on an event loop.
   */
  public void shutdown(Duration grace) {
    drain();
    List<Future<Void>> done = listeners.stream()
        .map(l -> l.shutdown(grace.toMillis(), TimeUnit.MILLISECONDS)).toList();
    try {
      Future.join(done).toCompletionStage().toCompletableFuture()
          .get(grace.toMillis() + 5_000, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      // a listener that failed to shut down cleanly is closed with Vert.x below
    }
  }

  /** Shuts the listeners down without a grace period and stops Vert.x. */
  @Override
  public void close() {
    await(vertx.close(), "stop");
  }

  private static final class Listener extends VerticleBase {
    private final Router router;
    private final String host;
    private final AtomicInteger port;
    private final int requested;
    private final List<io.vertx.core.http.HttpServer> listeners;
    private final AtomicBoolean draining;

    Listener(Router router, String host, AtomicInteger port, List<io.vertx.core.http.HttpServer> listeners,
        AtomicBoolean draining) {
      this.router = router;
      this.host = host;
      this.port = port;
      this.requested = port.get();
      this.listeners = listeners;
      this.draining = draining;
    }

    @Override
    public Future<?> start() {
      HttpServerOptions options = new HttpServerOptions()
          .setHost(host)
          .setPort(requested)
          .setTcpNoDelay(true)
          .setTcpFastOpen(true)
          .setCompressionSupported(false)
          .setIdleTimeout(120)
          .setIdleTimeoutUnit(TimeUnit.SECONDS);
      return vertx.createHttpServer(options)
          .requestHandler(req -> {
            if (draining.get()) req.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
            router.handle(req);
          })
          .listen()
          .onSuccess(server -> {
            port.set(server.actualPort());
            listeners.add(server);
          });
    }
  }
}
