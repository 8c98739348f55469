package org.provost.sessions;

import io.micrometer.core.instrument.Counter;
import io.vertx.core.http.HttpMethod;
import org.provost.error.ServiceException;
import org.provost.http.Api;
import org.provost.http.Input;
import org.provost.http.Lane;
import org.provost.http.Reply;
import org.provost.http.SessionCookie;
import org.provost.security.PasswordPolicy;
import io.vertx.core.json.JsonObject;

/**
 * {@code POST /v1/sessions} (log in; with {@code "cookie": true} the token is set as the console's HttpOnly
 * session cookie instead of answered, see {@link SessionCookie}), {@code DELETE /v1/sessions/current} (log out) and
 * {@code POST /v1/me/password} (change one's own password: needs the current one; every other session of
 * the account ends).
 */
public final class SessionRoutes {
  private SessionRoutes() {}

  public static void mount(Api api, SessionService sessions, java.util.Set<String> trustedProxies) {
    api.describe("/openapi/sessions.json");
    Counter success = logins(api, "success");
    Counter failure = logins(api, "failure");
    Counter throttled = logins(api, "throttled");
    Counter inactive = logins(api, "inactive");
    api.publicBlocking(Lane.HASH, HttpMethod.POST, "/v1/sessions", pre -> {
      // an address already over its failure limit is refused here, before it takes a place in the hash lane
      try {
        sessions.refuseThrottledAddress(pre.clientAddress(trustedProxies));
      } catch (ServiceException.TooManyRequests e) {
        throttled.increment();
        throw e;
      }
      return null;
    }, req -> {
      Input in = req.json("username", "email", "password", "cookie");
      String username = in.optionalString("username", 254);
      String email = in.optionalString("email", 254);
      String password = in.requiredString("password", 1024);
      if (username == null && email == null && in.has("username") == in.has("email")) {
        in.error("username", "username or email is required");
      }
      if (username != null && email != null) in.error("email", "send username or email, not both");
      boolean cookie = Boolean.TRUE.equals(in.optionalBoolean("cookie"));
      in.validate();
      if (cookie && !SessionCookie.hasCsrfHeader(req.routingContext())) {
        throw new ServiceException.InvalidInput(SessionCookie.CSRF_HEADER,
            "a cookie login needs the " + SessionCookie.CSRF_HEADER + " header");
      }
      String login = username != null ? username : email;
      if (login.isBlank()) throw new ServiceException.InvalidInput(username != null ? "username" : "email",
          "must not be blank");
      try {
        SessionService.Login session = sessions.login(login, password, req.clientAddress(trustedProxies));
        Reply created;
        if (cookie) {
          // the token goes only into the HttpOnly cookie: the page's script never sees it
          SessionCookie.set(req.routingContext(), session.token(),
              SessionCookie.overHttps(req.routingContext(), trustedProxies));
          JsonObject body = session.toJson();
          body.remove("token");
          created = Reply.created(body.put("cookie", true));
        } else {
          created = Reply.created(session.toJson());
        }
        success.increment();
        return created;
      } catch (ServiceException.TooManyRequests e) {
        throttled.increment();
        throw e;
      } catch (ServiceException.Unauthenticated e) {
        failure.increment();
        throw e;
      } catch (ServiceException.Forbidden e) {
        inactive.increment();
        throw e;
      }
    });
    api.blocking(Lane.HASH, HttpMethod.POST, "/v1/me/password", req -> {
      if (!req.principal().isUser()) {
        throw new ServiceException.InvalidInput("Authorization", "an API key has no password; rotate it instead");
      }
      Input in = req.json("current_password", "new_password");
      String current = in.requiredString("current_password", PasswordPolicy.MAX_LENGTH * 4);
      String replacement = in.requiredString("new_password", PasswordPolicy.MAX_LENGTH * 4);
      in.validate();
      long revision = sessions.changePassword(req.principal(), current, replacement,
          req.clientAddress(trustedProxies));
      return Reply.ok(new JsonObject().put("revision", revision));
    });
    api.blocking(HttpMethod.DELETE, "/v1/sessions/current", req -> {
      if (!req.principal().isUser()) {
        throw new ServiceException.InvalidInput("Authorization", "an API key is not a session; revoke it instead");
      }
      sessions.logout(req.principal());
      SessionCookie.clear(req.routingContext(), SessionCookie.overHttps(req.routingContext(), trustedProxies));
      return Reply.noContent();
    });
  }

  /** {@code provost_logins_total{outcome}}: password logins by outcome (bad input is not a login). */
  private static Counter logins(Api api, String outcome) {
    return Counter.builder("provost.logins").description("password logins by outcome")
        .tag("outcome", outcome).register(api.meters());
  }
}
