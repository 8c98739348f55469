package org.provost.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The id that ties a request's response, log lines and audit events together. A client (or nginx, with
 * {@code proxy_set_header X-Request-Id $request_id}) may send its own in {@code X-Request-Id}: it is kept
 * when it is 1-128 characters of {@code A-Z a-z 0-9 . _ : -}, else replaced by a generated one (16 hex
 * digits). The id is echoed in the response's {@code X-Request-Id} and put in the logging context (MDC
 * key {@code request_id}) while the request's code runs.
 */
public final class RequestIds {
  public static final CharSequence HEADER = HttpHeaders.createOptimized("X-Request-Id");
  /** The MDC key, and the field name in JSON log lines. */
  public static final String MDC_KEY = "request_id";
  public static final int MAX_LENGTH = 128;

  private RequestIds() {}

  /** The request's id: the client's when acceptable, else a new one. Sets the response header. */
  public static String assign(RoutingContext ctx) {
    String id = accept(ctx.request().getHeader(HEADER));
    ctx.response().putHeader(HEADER, id);
    return id;
  }

  /** {@code given} when it is an acceptable id, else a newly generated one. Never null. */
  public static String accept(String given) {
    return acceptable(given) ? given : generate();
  }

  static boolean acceptable(String id) {
    if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) return false;
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '.' || c == '_' || c == ':' || c == '-';
      if (!ok) return false;
    }
    return true;
  }

  /** 16 lower-case hex digits (64 random bits): unique enough to find one request in a day of logs. */
  static String generate() {
    String hex = Long.toHexString(ThreadLocalRandom.current().nextLong());
    return hex.length() == 16 ? hex : "0".repeat(16 - hex.length()) + hex;
  }
}
