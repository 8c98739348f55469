package org.provost.ops;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;

/** Health, metrics and the OpenAPI document: unauthenticated, for load balancers and scrapers. */
public final class OpsRoutes {
  private OpsRoutes() {}

  public static void mount(org.provost.http.Api api, Readiness readiness, PrometheusMeterRegistry meters) {
    api.describe("/openapi/ops.json");
    // built on first request, once every feature has described its routes
    java.util.concurrent.atomic.AtomicReference<Buffer> openapi = new java.util.concurrent.atomic.AtomicReference<>();
    // live: the process answers (200 in every state); the body says which state it is in
    api.raw(HttpMethod.GET, "/health/live", ctx -> ctx.response().putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("status", "live").put("state", readiness.lifecycle().wire).toBuffer()));
    api.raw(HttpMethod.GET, "/health/ready", ctx -> ctx.vertx().executeBlocking(readiness::check, false)
        .onComplete(ar -> {
          JsonObject body = ar.succeeded() ? ar.result()
              : new JsonObject().put("status", Readiness.State.DATABASE_DOWN.wire).put("ready", false)
                  .put("failing", "database");
          ctx.response().setStatusCode(body.getBoolean("ready") ? 200 : 503)
              .putHeader("Content-Type", "application/json")
              .putHeader("Cache-Control", "no-store")
              .end(body.toBuffer());
        }));
    api.raw(HttpMethod.GET, "/metrics", ctx -> ctx.response()
        .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
        .end(meters.scrape()));
    api.raw(HttpMethod.GET, "/openapi.json", ctx ->
        ctx.response().putHeader("Content-Type", "application/json")
            .end(openapi.updateAndGet(b -> b != null ? b : api.openApi().toBuffer())));
  }
}
