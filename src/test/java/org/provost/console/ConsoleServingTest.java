package org.provost.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpHeaders;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.provost.http.SessionCookie;
import org.provost.testing.Http;
import org.provost.testing.ProvostServer;
import org.provost.testing.TestDatabases;
import org.provost.testing.TestServer;

/**
 * The console over real HTTP, without a browser: how /admin/ is served (policy headers, caching, the
 * fallback to index.html for the console's own routes) and the cookie session it signs in with (HttpOnly,
 * SameSite=Strict, honoured only beside the CSRF header, cleared and ended by sign-out; Bearer unchanged).
 */
class ConsoleServingTest {
  @RegisterExtension
  static final ProvostServer server = ProvostServer.builder().build();
  static final Http http = server.http;

  private static void needsBuiltConsole() {
    if (ConsoleRoutes.class.getResource("/admin-console/index.html") == null) {
      TestDatabases.unavailable("the console was not built into target/classes (-Dconsole.skip=true?)");
    }
  }

  @Test
  void index_isServedWithAStrictPolicy_andNotCached() {
    needsBuiltConsole();
    Http.Response r = http.get("/admin/", null);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Type")).startsWith("text/html");
    assertThat(r.header("Cache-Control")).isEqualTo("no-cache");
    assertThat(r.header("ETag")).isNotBlank();
    String csp = r.header("Content-Security-Policy");
    assertThat(csp).contains("default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'",
        "base-uri 'none'", "object-src 'none'").doesNotContain("unsafe");
    assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(r.header("Referrer-Policy")).isEqualTo("no-referrer");
    assertThat(r.header("X-Frame-Options")).isEqualTo("DENY");
    // no inline script: every script is a file of the console's own
    assertThat(r.body()).contains("<script type=\"module\" crossorigin src=\"/admin/assets/");
    assertThat(r.body().replaceAll("<script[^>]*src=[^>]*></script>", "")).doesNotContain("<script");
  }

  @Test
  void hashedAssets_areCachedForAYear_andRevalidatedByETag() {
    needsBuiltConsole();
    String index = http.get("/admin/", null).body();
    String js = index.replaceAll("(?s).*src=\"(/admin/assets/[^\"]+\\.js)\".*", "$1");
    Http.Response asset = http.get(js, null);
    assertThat(asset.status()).isEqualTo(200);
    assertThat(asset.header("Content-Type")).startsWith("text/javascript");
    assertThat(asset.header("Cache-Control")).isEqualTo("public, max-age=31536000, immutable");
    assertThat(asset.header("Content-Security-Policy")).isNotNull();
    Http.Response again = http.send("GET", js, null, null, null, "If-None-Match", asset.header("ETag"));
    assertThat(again.status()).isEqualTo(304);
    assertThat(again.body()).isEmpty();
  }

  @Test
  void consoleRoutes_fallBackToIndex_butMissingFilesAre404() {
    needsBuiltConsole();
    String index = http.get("/admin/", null).body();
    for (String path : List.of("/admin/users", "/admin/users/42", "/admin/access-review?permission=grades.write")) {
      Http.Response r = http.get(path, null);
      assertThat(r.status()).as(path).isEqualTo(200);
      assertThat(r.body()).as(path).isEqualTo(index);
      assertThat(r.header("Content-Security-Policy")).as(path).isNotNull();
    }
    assertThat(http.get("/admin/assets/missing-abc123.js", null).status()).isEqualTo(404);
    assertThat(http.get("/admin/nothing.png", null).status()).isEqualTo(404);
    Http.Response bare = http.get("/admin", null);
    assertThat(bare.status()).isEqualTo(302);
    assertThat(bare.header("Location")).isEqualTo("/admin/");
  }

  @Test
  void cookieLogin_setsAnHttpOnlyStrictCookie_andAnswersNoToken() {
    Http.Response r = cookieLogin();
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    assertThat(r.json().containsKey("token")).isFalse();
    assertThat(r.json().getJsonObject("user").getString("username")).isEqualTo("admin");
    String setCookie = r.header("Set-Cookie");
    assertThat(setCookie).startsWith(SessionCookie.NAME + "=pvs_").containsIgnoringCase("HttpOnly")
        .contains("SameSite=Strict").contains("Path=/");
    // plain HTTP here: Secure would make the browser drop it
    assertThat(setCookie).doesNotContainIgnoringCase("Secure");
  }

  @Test
  void cookieLogin_withoutTheCsrfHeader_isRefused_andSetsNothing() {
    Http.Response r = http.send("POST", "/v1/sessions", null, login().encode(), "application/json");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo(SessionCookie.CSRF_HEADER);
    assertThat(r.header("Set-Cookie")).isNull();
  }

  @Test
  void theCookie_countsOnlyWithTheCsrfHeader() {
    String cookie = cookieOf(cookieLogin());
    Http.Response bare = http.send("GET", "/v1/me", null, null, null, "Cookie", cookie);
    assertThat(bare.status()).isEqualTo(401);
    assertThat(bare.json().getString("code")).isEqualTo("csrf_header_required");
    Http.Response blank = http.send("GET", "/v1/me", null, null, null, "Cookie", cookie, SessionCookie.CSRF_HEADER, " ");
    assertThat(blank.status()).isEqualTo(401);
    Http.Response withHeader = http.send("GET", "/v1/me", null, null, null, "Cookie", cookie, SessionCookie.CSRF_HEADER, "1");
    assertThat(withHeader.status()).isEqualTo(200);
    assertThat(withHeader.json().getJsonObject("user").getString("username")).isEqualTo("admin");
    // a write through the blocking lane too
    Http.Response list = http.send("GET", "/v1/users?limit=1", null, null, null, "Cookie", cookie, SessionCookie.CSRF_HEADER, "1");
    assertThat(list.status()).isEqualTo(200);
  }

  @Test
  void signOut_clearsTheCookie_andEndsTheSession() {
    String cookie = cookieOf(cookieLogin());
    Http.Response out = http.send("DELETE", "/v1/sessions/current", null, null, null, "Cookie", cookie,
        SessionCookie.CSRF_HEADER, "1");
    assertThat(out.status()).isEqualTo(204);
    HttpHeaders headers = out.raw().headers();
    assertThat(headers.firstValue("Set-Cookie").orElseThrow()).startsWith(SessionCookie.NAME + "=;").contains("Max-Age=0");
    Http.Response after = http.send("GET", "/v1/me", null, null, null, "Cookie", cookie, SessionCookie.CSRF_HEADER, "1");
    assertThat(after.status()).isEqualTo(401);
    assertThat(after.json().getString("code")).isNotEqualTo("csrf_header_required");
  }

  @Test
  void bearer_isUnchanged_andWinsOverACookie() {
    String token = server.adminToken();
    assertThat(http.get("/v1/me", token).status()).isEqualTo(200);
    // a bearer token is used as sent even when a (bad) cookie rides along
    Http.Response r = http.send("GET", "/v1/me", token, null, null, "Cookie", SessionCookie.NAME + "=pvs_forged",
        SessionCookie.CSRF_HEADER, "1");
    assertThat(r.status()).isEqualTo(200);
    // and a bad bearer is not rescued by a good cookie
    String cookie = cookieOf(cookieLogin());
    Http.Response bad = http.send("GET", "/v1/me", "pvs_forged", null, null, "Cookie", cookie, SessionCookie.CSRF_HEADER, "1");
    assertThat(bad.status()).isEqualTo(401);
  }

  @Test
  void overHttps_theCookieIsHostPrefixedAndSecure_andAPlainNamedOneDoesNotCount() {
    // the test server trusts loopback as its proxy, which says the client came over HTTPS
    Http.Response r = http.send("POST", "/v1/sessions", null, login().encode(), "application/json",
        SessionCookie.CSRF_HEADER, "1", "X-Forwarded-Proto", "https");
    String setCookie = r.header("Set-Cookie");
    assertThat(setCookie).startsWith(SessionCookie.SECURE_NAME + "=pvs_").containsIgnoringCase("Secure")
        .containsIgnoringCase("HttpOnly").contains("Path=/").doesNotContainIgnoringCase("Domain");
    String token = cookieOf(r).split("=", 2)[1];
    Http.Response secure = http.send("GET", "/v1/me", null, null, null, "Cookie", SessionCookie.SECURE_NAME + "=" + token,
        SessionCookie.CSRF_HEADER, "1", "X-Forwarded-Proto", "https");
    assertThat(secure.status()).isEqualTo(200);
    // a cookie any sibling subdomain could have set (no __Host- prefix) is no credential over HTTPS
    Http.Response plain = http.send("GET", "/v1/me", null, null, null, "Cookie", SessionCookie.NAME + "=" + token,
        SessionCookie.CSRF_HEADER, "1", "X-Forwarded-Proto", "https");
    assertThat(plain.status()).isEqualTo(401);
  }

  @Test
  void aSecondCookieOfTheSameName_tossedInBesideTheRealOne_countsAsNone() {
    String cookie = cookieOf(cookieLogin());
    Http.Response first = http.send("GET", "/v1/me", null, null, null, "Cookie",
        SessionCookie.NAME + "=pvs_attackers; " + cookie, SessionCookie.CSRF_HEADER, "1");
    assertThat(first.status()).isEqualTo(401);
    Http.Response second = http.send("GET", "/v1/me", null, null, null, "Cookie",
        cookie + "; " + SessionCookie.NAME + "=pvs_attackers", SessionCookie.CSRF_HEADER, "1");
    assertThat(second.status()).isEqualTo(401);
  }

  private static JsonObject login() {
    return new JsonObject().put("username", "admin").put("password", TestServer.ADMIN_PASSWORD).put("cookie", true);
  }

  private static Http.Response cookieLogin() {
    return http.send("POST", "/v1/sessions", null, login().encode(), "application/json", SessionCookie.CSRF_HEADER, "1");
  }

  private static String cookieOf(Http.Response login) {
    assertThat(login.status()).as(login.toString()).isEqualTo(201);
    return login.header("Set-Cookie").split(";", 2)[0];
  }
}
