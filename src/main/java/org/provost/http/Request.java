package org.provost.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import org.provost.error.ServiceException;

/** One API request as a handler sees it: caller, path and query parameters, body. */
public final class Request {
  private final RoutingContext ctx;
  private final Principal principal;

  Request(RoutingContext ctx, Principal principal) {
    this.ctx = ctx;
    this.principal = principal;
  }

  /** The authenticated caller; only public endpoints have none. */
  public Principal principal() {
    if (principal == null) throw new ServiceException.Unauthenticated("unauthenticated", "no credentials");
    return principal;
  }

  /**
   * The client's address: the peer's, or, when the peer is one of {@code trustedProxies} (nginx in front),
   * the nearest address in X-Forwarded-For that is not a trusted proxy.
   */
  public String clientAddress(java.util.Set<String> trustedProxies) {
    var addr = ctx.request().remoteAddress();
    String peer = addr == null ? "unknown" : addr.hostAddress();
    String forwarded = ctx.request().getHeader("X-Forwarded-For");
    if (forwarded == null || !trustedProxies.contains(peer)) return peer;
    String[] hops = forwarded.split(",");
    for (int i = hops.length - 1; i >= 0; i--) {
      String hop = hops[i].trim();
      if (!hop.isEmpty() && !trustedProxies.contains(hop)) return hop;
    }
    return peer;
  }

  /** A path parameter, decoded; one holding NUL or an unpaired surrogate answers 400 naming it. */
  public String path(String name) {
    return checked(name, ctx.pathParam(name));
  }

  /** A numeric path id; a non-number answers 404 like any unknown id. */
  public long pathId(String name, String what) {
    String raw = checked(name, ctx.pathParam(name));
    try {
      return Long.parseLong(raw);
    } catch (NumberFormatException e) {
      throw new ServiceException.NotFound(what, raw);
    }
  }

  /**
   * A query parameter, or null when absent or empty. Reads the raw query string directly (the first
   * occurrence wins), without building Vert.x's parameter map: the hot paths use only this.
   */
  public String queryOrNull(String name) {
    return checked(name, QueryString.get(ctx.request().query(), name));
  }

  /** A query parameter, empty when absent or empty; one holding NUL or an unpaired surrogate answers 400. */
  public Optional<String> query(String name) {
    String v = ctx.request().getParam(name);
    return v == null || v.isEmpty() ? Optional.empty() : Optional.of(checked(name, v));
  }

  private static String checked(String name, String value) {
    if (value == null) return null;
    String bad = Text.problem(value);
    if (bad != null) throw new ServiceException.InvalidInput(name, bad);
    return value;
  }

  public int queryInt(String name, int min, int max, int defaultValue) {
    Optional<String> raw = query(name);
    if (raw.isEmpty()) return defaultValue;
    try {
      int v = Integer.parseInt(raw.get());
      if (v < min || v > max) {
        throw new ServiceException.InvalidInput(name, "must be between " + min + " and " + max);
      }
      return v;
    } catch (NumberFormatException e) {
      throw new ServiceException.InvalidInput(name, "must be a whole number");
    }
  }

  public Optional<Long> queryLong(String name) {
    Optional<String> raw = query(name);
    if (raw.isEmpty()) return Optional.empty();
    try {
      return Optional.of(Long.parseLong(raw.get()));
    } catch (NumberFormatException e) {
      throw new ServiceException.InvalidInput(name, "must be a whole number");
    }
  }

  public Optional<Boolean> queryBoolean(String name) {
    Optional<String> raw = query(name);
    if (raw.isEmpty()) return Optional.empty();
    return switch (raw.get()) {
      case "true" -> Optional.of(true);
      case "false" -> Optional.of(false);
      default -> throw new ServiceException.InvalidInput(name, "must be true or false");
    };
  }

  public Buffer body() {
    return ctx.body().buffer();
  }

  public String contentType() {
    String ct = ctx.request().getHeader("Content-Type");
    return ct == null ? "" : ct;
  }

  /** Parses the JSON object body, rejecting fields outside {@code allowed}. */
  public Input json(String... allowed) {
    return Input.parse(body(), allowed);
  }

  public RoutingContext routingContext() {
    return ctx;
  }
}
