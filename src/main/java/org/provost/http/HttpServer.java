package org.provost.http;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One HTTP listener per event loop, all sharing one router. With port 0 they share one free port.
 */
public final class HttpServer implements AutoCloseable {
  private final Vertx vertx;
  private final int port;

  private HttpServer(Vertx vertx, int port) {
    this.vertx = vertx;
    this.port = port;
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
    await(vertx.deployVerticle(() -> new Listener(router, host, actual),
        new DeploymentOptions().setInstances(eventLoops)));
    return new HttpServer(vertx, actual.get());
  }

  public int port() {
    return port;
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      for (Throwable c = e; c != null; c = c.getCause()) {
        if (c instanceof java.net.BindException || String.valueOf(c.getMessage()).contains("Address already in use")) {
          throw new org.provost.config.StartupException("the HTTP port is already in use (PROVOST_HTTP_PORT): stop "
              + "what listens there, or set PROVOST_HTTP_PORT to a free port");
        }
      }
      throw new IllegalStateException("HTTP server failed to start: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    await(vertx.close());
  }

  private static final class Listener extends VerticleBase {
    private final Router router;
    private final String host;
    private final AtomicInteger port;
    private final int requested;

    Listener(Router router, String host, AtomicInteger port) {
      this.router = router;
      this.host = host;
      this.port = port;
      this.requested = port.get();
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
          .requestHandler(router)
          .listen()
          .onSuccess(server -> port.set(server.actualPort()));
    }
  }
}
