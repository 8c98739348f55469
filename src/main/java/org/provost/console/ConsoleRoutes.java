package org.provost.console;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Serves the admin console at {@code /admin/}: the built files from the jar, and {@code index.html} for
 * every other path under it (the console's own routes, such as {@code /admin/users/42}, so a reload or a
 * bookmark works). Hashed bundles are cached for a year; everything else is revalidated ({@code no-cache}
 * with an ETag). Every answer carries a strict Content-Security-Policy (no inline script or style, no
 * framing) and the other headers in docs/SECURITY.md.
 *
 * <p>The console is a client of the public API like any other: it is served without credentials, and each
 * call it makes is authorized by the server.
 */
public final class ConsoleRoutes {
  /** Every console answer's policy: scripts and styles only from Provost itself, never inline. */
  public static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
      + "connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
      + "object-src 'none'";

  private ConsoleRoutes() {}

  /** Mounts the console's routes on the router (not in the API's OpenAPI document: they are not API). */
  public static void mount(Router router) {
    ConsoleAssets assets = ConsoleAssets.load();
    // Vert.x matches "/admin" for "/admin/" too: only the bare path is redirected
    router.route(HttpMethod.GET, "/admin").handler(ctx -> redirectBare(ctx));
    router.route(HttpMethod.HEAD, "/admin").handler(ctx -> redirectBare(ctx));
    router.route(HttpMethod.GET, "/admin/*").handler(ctx -> serve(ctx, assets));
    router.route(HttpMethod.HEAD, "/admin/*").handler(ctx -> serve(ctx, assets));
  }

  private static void redirectBare(RoutingContext ctx) {
    if (!ctx.request().path().equals("/admin")) {
      ctx.next();
      return;
    }
    ctx.response().setStatusCode(302).putHeader("Location", "/admin/").end();
  }

  private static void serve(RoutingContext ctx, ConsoleAssets assets) {
    HttpServerResponse response = ctx.response();
    securityHeaders(response);
    String path = ctx.request().path().substring("/admin/".length());
    if (!assets.built()) {
      response.setStatusCode(404).putHeader("Content-Type", "text/plain; charset=utf-8")
          .putHeader("Cache-Control", "no-store")
          .end("This Provost was built without its admin console (npm was skipped); rebuild with Node.js and npm.\n");
      return;
    }
    var found = assets.find(path.isEmpty() ? "index.html" : path);
    if (found.isEmpty()) {
      String last = path.substring(path.lastIndexOf('/') + 1);
      if (path.startsWith("assets/") || path.startsWith("icons/") || last.contains(".")) {
        response.setStatusCode(404).putHeader("Content-Type", "text/plain; charset=utf-8")
            .putHeader("Cache-Control", "no-store").end("not found\n");
        return;
      }
      found = assets.find("index.html"); // one of the console's own routes: the page decides what to show
    }
    ConsoleAssets.Asset asset = found.orElseThrow();
    response.putHeader("Cache-Control", asset.immutable() ? "public, max-age=31536000, immutable" : "no-cache")
        .putHeader("ETag", asset.etag());
    if (asset.etag().equals(ctx.request().getHeader("If-None-Match"))) {
      response.setStatusCode(304).end();
      return;
    }
    response.putHeader("Content-Type", asset.contentType());
    if (ctx.request().method() == HttpMethod.HEAD) {
      response.putHeader("Content-Length", String.valueOf(asset.body().length())).end();
    } else {
      response.end(asset.body());
    }
  }

  private static void securityHeaders(HttpServerResponse response) {
    response.putHeader("Content-Security-Policy", CSP)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer")
        .putHeader("X-Frame-Options", "DENY")
        .putHeader("Cross-Origin-Opener-Policy", "same-origin")
        .putHeader("Cross-Origin-Resource-Policy", "same-origin")
        .putHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
  }
}
