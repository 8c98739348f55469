package org.provost.http;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import org.provost.error.ServiceException;
import org.provost.error.ServiceException.FieldError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place that turns failures into RFC 9457 problem responses. Internal causes never leak. */
public final class Problems {
  private static final Logger LOG = LoggerFactory.getLogger(Problems.class);

  private Problems() {}

  public static void send(RoutingContext ctx, Throwable failure) {
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.closed()) return;
    switch (failure) {
      case ServiceException.InvalidInput e -> write(ctx, 400, "Invalid input", e.code(), e.getMessage(), e.errors());
      case ServiceException.NotFound e -> write(ctx, 404, "Not found", e.code(), e.getMessage(), List.of());
      case ServiceException.Conflict e -> write(ctx, 409, "Conflict", e.code(), e.getMessage(), e.errors());
      case ServiceException.Unauthenticated e -> {
        response.putHeader("WWW-Authenticate", "Bearer");
        write(ctx, 401, "Unauthenticated", e.code(), e.getMessage(), List.of());
      }
      case ServiceException.Forbidden e -> write(ctx, 403, "Forbidden", e.code(), e.getMessage(), List.of());
      case ServiceException.UnsupportedMediaType e -> write(ctx, 415, "Unsupported media type", e.code(),
          e.getMessage(), List.of(new FieldError("Content-Type", "must be " + e.expected())));
      case ServiceException.TooManyRequests e -> {
        response.putHeader("Retry-After", Long.toString(e.retryAfterSeconds()));
        write(ctx, 429, "Too many requests", e.code(), e.getMessage(), List.of());
      }
      case ServiceException.Unavailable e -> {
        response.putHeader("Retry-After", "1");
        write(ctx, 503, "Service unavailable", e.code(), e.getMessage(), List.of());
      }
      default -> {
        LOG.error("internal error on {} {}", ctx.request().method(), ctx.request().path(), failure);
        write(ctx, 500, "Internal error", "internal_error", "an internal error occurred; it has been logged",
            List.of());
      }
    }
  }

  /** Problems the router itself raises (no route, wrong method, body too large). */
  public static void status(RoutingContext ctx, int status) {
    if (ctx.response().headers().get(RequestIds.HEADER) == null) RequestIds.assign(ctx);
    switch (status) {
      case 404 -> write(ctx, 404, "Not found", "no_route", "no resource at " + ctx.request().path(), List.of());
      case 405 -> write(ctx, 405, "Method not allowed", "method_not_allowed",
          ctx.request().method() + " is not allowed on " + ctx.request().path(), List.of());
      case 413 -> write(ctx, 413, "Payload too large", "body_too_large",
          "the request body exceeds the limit", List.of(new FieldError("body", "too large")));
      case 415 -> write(ctx, 415, "Unsupported media type", "unsupported_media_type",
          "send application/json", List.of(new FieldError("body", "must be application/json")));
      default -> write(ctx, status, "Error", "http_" + status, "request failed with status " + status, List.of());
    }
  }

  static void write(RoutingContext ctx, int status, String title, String code, String detail,
      List<FieldError> errors) {
    JsonObject body = new JsonObject()
        .put("type", "https://provost.dev/problems/" + code)
        .put("title", title)
        .put("status", status)
        .put("detail", detail)
        .put("code", code);
    if (!errors.isEmpty()) {
      JsonArray list = new JsonArray();
      for (FieldError e : errors) list.add(new JsonObject().put("field", e.field()).put("reason", e.reason()));
      body.put("errors", list);
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/problem+json")
        .end(body.toBuffer());
  }
}
