package org.provost.ops;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Health, metrics and the OpenAPI document: unauthenticated, for load balancers and scrapers. */
public final class OpsRoutes {
  private OpsRoutes() {}

  public static void mount(org.provost.http.Api api, Readiness readiness, PrometheusMeterRegistry meters) {
    Buffer live = new JsonObject().put("status", "live").toBuffer();
    Buffer openapi = Buffer.buffer(openApiDocument());
    api.raw(HttpMethod.GET, "/health/live", ctx ->
        ctx.response().putHeader("Content-Type", "application/json").end(live));
    api.raw(HttpMethod.GET, "/health/ready", ctx -> ctx.vertx().executeBlocking(readiness::notReadyReason, false)
        .onComplete(ar -> {
          String reason = ar.succeeded() ? ar.result() : "readiness check failed";
          ctx.response().setStatusCode(reason == null ? 200 : 503)
              .putHeader("Content-Type", "application/json")
              .end(new JsonObject().put("status", reason == null ? "ready" : "not_ready")
                  .put("reason", reason).toBuffer());
        }));
    api.raw(HttpMethod.GET, "/metrics", ctx -> ctx.response()
        .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
        .end(meters.scrape()));
    api.raw(HttpMethod.GET, "/openapi.json", ctx ->
        ctx.response().putHeader("Content-Type", "application/json").end(openapi));
  }

  public static byte[] openApiDocument() {
    try (InputStream in = OpsRoutes.class.getResourceAsStream("/openapi.json")) {
      if (in == null) throw new IllegalStateException("openapi.json missing from the jar");
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
