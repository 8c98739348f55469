package org.provost.http;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;

/**
 * The admin console's session credential: the session token in an {@code HttpOnly}, {@code SameSite=Strict}
 * cookie (also {@code Secure} over HTTPS), so no script, injected or of another origin, can read it.
 *
 * <p>The cookie counts as a credential only on a request that also carries the {@link #CSRF_HEADER} header
 * (any non-empty value). A form or link on another site cannot send a custom header, and a script on another
 * origin can send one only after a CORS preflight that Provost never answers with permission, so a
 * cross-site request never rides on the cookie. {@code Authorization: Bearer} is looked at first and is
 * unchanged; the cookie is read only when that header is absent, so API clients' hot path costs the same.
 */
public final class SessionCookie {
  /** The cookie's name. */
  public static final String NAME = "provost_session";
  /** The header a cookie-authenticated request must carry (the console sends {@code X-Provost-CSRF: 1}). */
  public static final String CSRF_HEADER = "X-Provost-CSRF";

  private SessionCookie() {}

  /** The session token of the cookie when the request also carries the CSRF header; else null. */
  static String token(RoutingContext ctx) {
    String csrf = ctx.request().getHeader(CSRF_HEADER);
    if (csrf == null || csrf.isBlank()) return null;
    return cookieValue(ctx);
  }

  /** Whether the request carries the session cookie but not the CSRF header (refused, not ignored). */
  static boolean withoutCsrfHeader(RoutingContext ctx) {
    String csrf = ctx.request().getHeader(CSRF_HEADER);
    return (csrf == null || csrf.isBlank()) && cookieValue(ctx) != null;
  }

  /** Whether the request carries the CSRF header (cookie logins require it, against login CSRF). */
  public static boolean hasCsrfHeader(RoutingContext ctx) {
    String csrf = ctx.request().getHeader(CSRF_HEADER);
    return csrf != null && !csrf.isBlank();
  }

  private static String cookieValue(RoutingContext ctx) {
    if (ctx.request().getHeader("Cookie") == null) return null;
    Cookie cookie = ctx.request().getCookie(NAME);
    if (cookie == null) return null;
    String value = cookie.getValue();
    return value == null || value.isEmpty() ? null : value;
  }

  /**
   * Sets the cookie on the response: no expiry (it ends with the browser or the session, whichever is first;
   * the server's idle and absolute timeouts still apply), {@code Path=/}.
   *
   * @param secure adds {@code Secure}: the request came over HTTPS (directly or through a trusted proxy)
   */
  public static void set(RoutingContext ctx, String token, boolean secure) {
    ctx.response().addCookie(cookie(token, secure));
  }

  /** Tells the browser to forget the cookie ({@code Max-Age=0}). */
  public static void clear(RoutingContext ctx, boolean secure) {
    ctx.response().addCookie(cookie("", secure).setMaxAge(0));
  }

  private static Cookie cookie(String value, boolean secure) {
    return Cookie.cookie(NAME, value).setPath("/").setHttpOnly(true).setSameSite(CookieSameSite.STRICT)
        .setSecure(secure);
  }

  /**
   * Whether the request reached Provost over HTTPS: directly, or through one of {@code trustedProxies} that
   * says so in {@code X-Forwarded-Proto}.
   */
  public static boolean overHttps(RoutingContext ctx, java.util.Set<String> trustedProxies) {
    if (ctx.request().isSSL()) return true;
    var peer = ctx.request().remoteAddress();
    return peer != null && trustedProxies.contains(peer.hostAddress())
        && "https".equalsIgnoreCase(ctx.request().getHeader("X-Forwarded-Proto"));
  }
}
