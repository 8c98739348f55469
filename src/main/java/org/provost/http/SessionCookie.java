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
  /** The cookie's name over plain HTTP (a console on localhost or a private network). */
  public static final String NAME = "provost_session";
  /**
   * The cookie's name over HTTPS. The {@code __Host-} prefix makes browsers refuse it unless it is Secure,
   * has {@code Path=/} and no {@code Domain}: a site on a sibling subdomain cannot set or shadow it (cookie
   * tossing), so it cannot sign the console in as the attacker's account.
   */
  public static final String SECURE_NAME = "__Host-" + NAME;
  /** The header a cookie-authenticated request must carry (the console sends {@code X-Provost-CSRF: 1}). */
  public static final String CSRF_HEADER = "X-Provost-CSRF";

  private SessionCookie() {}

  /** The session token of the cookie when the request also carries the CSRF header; else null. */
  static String token(RoutingContext ctx) {
    return hasCsrfHeader(ctx) ? cookieValue(ctx) : null;
  }

  /** Whether the request carries the session cookie but not the CSRF header (refused, not ignored). */
  static boolean withoutCsrfHeader(RoutingContext ctx) {
    return !hasCsrfHeader(ctx) && cookieValue(ctx) != null;
  }

  /** Whether the request carries the CSRF header (cookie logins require it, against login CSRF). */
  public static boolean hasCsrfHeader(RoutingContext ctx) {
    String csrf = ctx.request().getHeader(CSRF_HEADER);
    return csrf != null && !csrf.isBlank();
  }

  /**
   * The session cookie's value, or null. A request that says it came over HTTPS ({@code X-Forwarded-Proto}
   * or TLS here) counts only {@link #SECURE_NAME}; over plain HTTP that name wins over {@link #NAME}. Two
   * cookies of the counted name (one tossed in beside the real one, with another path or domain) count as
   * none: which one the browser sent first is not a thing to bet a session on.
   */
  private static String cookieValue(RoutingContext ctx) {
    String header = ctx.request().getHeader("Cookie");
    if (header == null) return null;
    String secure = null;
    String plain = null;
    int secureCount = 0;
    int plainCount = 0;
    for (String part : header.split(";")) {
      int eq = part.indexOf('=');
      if (eq < 0) continue;
      String name = part.substring(0, eq).trim();
      String value = part.substring(eq + 1).trim();
      if (name.equals(SECURE_NAME)) {
        secureCount++;
        secure = value;
      } else if (name.equals(NAME)) {
        plainCount++;
        plain = value;
      }
    }
    boolean https = ctx.request().isSSL() || "https".equalsIgnoreCase(ctx.request().getHeader("X-Forwarded-Proto"));
    String value;
    if (secureCount > 0 || https) {
      value = secureCount == 1 ? secure : null;
    } else {
      value = plainCount == 1 ? plain : null;
    }
    return value == null || value.isEmpty() ? null : value;
  }

  /**
   * Sets the cookie on the response: no expiry (it ends with the browser or the session, whichever is first;
   * the server's idle and absolute timeouts still apply), {@code Path=/}; named {@link #SECURE_NAME} and
   * {@code Secure} over HTTPS, {@link #NAME} over plain HTTP.
   *
   * @param secure the request came over HTTPS (directly or through a trusted proxy)
   */
  public static void set(RoutingContext ctx, String token, boolean secure) {
    ctx.response().addCookie(cookie(secure ? SECURE_NAME : NAME, token, secure));
  }

  /** Tells the browser to forget the cookie ({@code Max-Age=0}). */
  public static void clear(RoutingContext ctx, boolean secure) {
    ctx.response().addCookie(cookie(secure ? SECURE_NAME : NAME, "", secure).setMaxAge(0));
  }

  private static Cookie cookie(String name, String value, boolean secure) {
    return Cookie.cookie(name, value).setPath("/").setHttpOnly(true).setSameSite(CookieSameSite.STRICT)
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
