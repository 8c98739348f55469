package org.provost.ops;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import org.provost.error.ServiceException;
import org.provost.http.Problems;

/**
 * The listener is up before the service is wired (migrations, the admin account, loading the index take
 * seconds on a big database): until {@link Readiness#started} every request is answered here, without
 * I/O. {@code /health/live} 200 and {@code /health/ready} 503, both with state {@code starting}; anything
 * else 503 problem+json {@code starting} with {@code Retry-After: 1}. Removed once started.
 */
public final class StartingGate {
  private StartingGate() {}

  /** Installs the gate in front of every route; the caller removes the returned route once started. */
  public static Route install(Router router, Readiness readiness) {
    return router.route().order(-1_000_000).handler(ctx -> {
      if (readiness.lifecycle() != Readiness.State.STARTING) {
        ctx.next();
        return;
      }
      String path = ctx.request().path();
      if ("/health/live".equals(path) || "/health/ready".equals(path)) {
        boolean live = "/health/live".equals(path);
        JsonObject body = live ? new JsonObject().put("status", "live").put("state", Readiness.State.STARTING.wire)
            : readiness.check(); // while starting it answers without touching the database
        ctx.response().setStatusCode(live ? 200 : 503).putHeader("Content-Type", "application/json")
            .putHeader("Cache-Control", "no-store").end(body.toBuffer());
        return;
      }
      Problems.send(ctx, new ServiceException.Unavailable("starting", "the service is starting; retry shortly"));
    });
  }
}
