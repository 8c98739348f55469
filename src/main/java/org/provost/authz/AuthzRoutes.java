package org.provost.authz;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import org.provost.error.ServiceException;
import org.provost.http.Api;
import org.provost.http.Input;
import org.provost.http.Principal;
import org.provost.http.Reply;
import org.provost.http.Request;

/**
 * {@code /v1/check}, {@code /v1/check/batch}, {@code /v1/check/explain} and {@code /v1/me}, answered on the
 * event loop from the in-memory index (and, for /v1/me, a per-user cache). Nothing here touches SQL in
 * steady state.
 */
public final class AuthzRoutes {
  private static final int MAX_BATCH = 1000;
  private static final byte[] ALLOWED = "{\"allowed\":true,\"revision\":".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DENIED = "{\"allowed\":false,\"revision\":".getBytes(StandardCharsets.US_ASCII);

  private final AuthzIndex index;
  private final Clock clock;
  private final int authzCheck;

  private AuthzRoutes(AuthzIndex index, Clock clock) {
    this.index = index;
    this.clock = clock;
    this.authzCheck = index.permission("authz.check");
  }

  public static void mount(Api api, AuthzIndex index, MeCache me, Clock clock, ExecutorService fills) {
    api.describe("/openapi/authz.json");
    AuthzRoutes routes = new AuthzRoutes(index, clock);
    api.onLoop(HttpMethod.GET, "/v1/check", Api.Freshness.AT_LEAST_REVISION, routes::check);
    api.onLoop(HttpMethod.POST, "/v1/check/batch", Api.Freshness.AT_LEAST_REVISION, routes::batch);
    api.onLoop(HttpMethod.GET, "/v1/check/explain", Api.Freshness.AT_LEAST_REVISION, routes::explain);
    api.onLoop(HttpMethod.GET, "/v1/me", Api.Freshness.AT_LEAST_REVISION, req -> me.reply(req.principal(), fills));
  }

  private Reply check(Request req) {
    String subject = required(req, "subject");
    String permission = required(req, "permission");
    long scope = scope(req.queryOrNull("resource"), "resource");
    long user = index.subject(subject);
    requireMayAsk(req.principal(), user);
    long revision = index.revision();
    boolean allowed = index.allowed(user, index.permission(permission), scope, clock.millis());
    return Reply.okEncoded(Buffer.buffer(48).appendBytes(allowed ? ALLOWED : DENIED)
        .appendString(Long.toString(revision)).appendByte((byte) '}'));
  }

  private Reply batch(Request req) {
    Input in = req.json("checks", "at_least_revision");
    JsonArray checks = req.routingContext().body().asJsonObject().getValue("checks") instanceof JsonArray a ? a : null;
    if (checks == null) in.error("checks", "is required: an array of {subject, permission, resource}");
    else if (checks.size() > MAX_BATCH) in.error("checks", "must have at most " + MAX_BATCH + " items");
    in.validate();
    long[] users = new long[checks.size()];
    int[] permissions = new int[checks.size()];
    long[] scopes = new long[checks.size()];
    for (int i = 0; i < checks.size(); i++) {
      String field = "checks[" + i + "]";
      if (!(checks.getValue(i) instanceof JsonObject item)) throw new ServiceException.InvalidInput(field, "must be an object");
      for (String f : new String[] {"subject", "permission", "resource"}) {
        Object v = item.getValue(f);
        if ((v == null && !f.equals("resource")) || (v != null && !(v instanceof String))) {
          throw new ServiceException.InvalidInput(field + "." + f, v == null ? "is required" : "must be a string");
        }
        String bad = v instanceof String text ? org.provost.http.Text.problem(text) : null;
        if (bad != null) throw new ServiceException.InvalidInput(field + "." + f, bad);
      }
      users[i] = index.subject(item.getString("subject"));
      permissions[i] = index.permission(item.getString("permission"));
      scopes[i] = scope(item.getString("resource"), field + ".resource");
      requireMayAsk(req.principal(), users[i]);
    }
    long now = clock.millis();
    long revision = index.revision();
    JsonArray results = new JsonArray();
    for (int i = 0; i < users.length; i++) {
      results.add(new JsonObject().put("allowed", index.allowed(users[i], permissions[i], scopes[i], now)));
    }
    return Reply.ok(new JsonObject().put("results", results).put("revision", revision));
  }

  private Reply explain(Request req) {
    String subject = required(req, "subject");
    String permission = required(req, "permission");
    long scope = scope(req.queryOrNull("resource"), "resource");
    long user = index.subject(subject);
    requireMayAsk(req.principal(), user);
    if (user < 0) throw new ServiceException.NotFound("subject", subject);
    int perm = index.permission(permission);
    if (perm < 0) throw new ServiceException.NotFound("permission", permission);
    if (scope < 0) throw new ServiceException.NotFound("resource", req.queryOrNull("resource"));
    long revision = index.revision();
    JsonArray because = new JsonArray();
    for (Authorizer.Reason r : index.explain(user, perm, scope, clock.millis())) {
      because.add(new JsonObject().put("grant", r.grantId()).put("role", r.role()).put("scope", r.scope()));
    }
    return Reply.ok(new JsonObject().put("allowed", !because.isEmpty()).put("because", because)
        .put("revision", revision));
  }

  /** The encoded scope; -1 for a well-formed name of something that does not exist; 400 when malformed. */
  private long scope(String resource, String field) {
    long scope = index.scope(resource);
    if (scope < 0) Scopes.parse(field, resource);
    return scope;
  }

  private static String required(Request req, String name) {
    String v = req.queryOrNull(name);
    if (v == null) throw new ServiceException.InvalidInput(name, "is required");
    return v;
  }

  /**
   * People may ask about themselves; anyone else needs authz.check globally (a key: among its permissions,
   * and held by its owner now).
   */
  private void requireMayAsk(Principal who, long subject) {
    if (who.isUser() && who.id() == subject) return;
    if ((who.isUser() || who.clientPermissions().contains("authz.check"))
        && index.allowed(who.authorityUserId(), authzCheck, ScopeCode.GLOBAL, clock.millis())) {
      return;
    }
    throw new ServiceException.Forbidden("forbidden", who.auditName() + " lacks permission authz.check");
  }
}
