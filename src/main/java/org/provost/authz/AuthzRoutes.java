package org.provost.authz;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import org.provost.db.Database;
import org.provost.db.Jdbc;
import org.provost.error.ServiceException;
import org.provost.feed.ChangeFeed;
import org.provost.http.Api;
import org.provost.http.Input;
import org.provost.http.Principal;
import org.provost.http.Reply;
import org.provost.http.Request;

/** {@code /v1/check}, {@code /v1/check/batch}, {@code /v1/check/explain} and {@code /v1/me}. */
public final class AuthzRoutes {
  private static final long REVISION_WAIT_MILLIS = 2_000;
  private static final int MAX_BATCH = 1000;

  private AuthzRoutes() {}

  public static void mount(Api api, Database db, Guard guard, ChangeFeed feed) {
    api.describe("/openapi/authz.json");
    Authorizer authorizer = guard.authorizer();

    api.blocking(HttpMethod.GET, "/v1/check", req -> {
      String subject = requiredQuery(req, "subject");
      String permission = requiredQuery(req, "permission");
      String resource = req.query("resource").orElse("global");
      Scopes.Name scopeName = Scopes.parse("resource", resource);
      awaitRevision(req, feed);
      return db.read(c -> {
        Optional<Long> userId = findSubject(c, subject);
        requireMayAsk(c, guard, req.principal(), userId);
        Optional<Scope> scope = Scopes.find(c, scopeName);
        boolean allowed = userId.isPresent() && scope.isPresent()
            && authorizer.allowed(c, userId.get(), permission, scope.get(), guard.clock().instant());
        return Reply.ok(new JsonObject().put("allowed", allowed).put("revision", feed.appliedRevision()));
      });
    });

    api.blocking(HttpMethod.POST, "/v1/check/batch", req -> {
      Input in = req.json("checks", "at_least_revision");
      JsonArray checks = req.routingContext().body().asJsonObject().getJsonArray("checks");
      if (checks == null) in.error("checks", "is required: an array of {subject, permission, resource}");
      else if (checks.size() > MAX_BATCH) in.error("checks", "must have at most " + MAX_BATCH + " items");
      in.validate();
      for (int i = 0; i < checks.size(); i++) {
        if (!(checks.getValue(i) instanceof JsonObject item)) {
          throw new ServiceException.InvalidInput("checks[" + i + "]", "must be an object");
        }
        for (String f : new String[] {"subject", "permission"}) {
          if (!(item.getValue(f) instanceof String s) || s.isBlank()) {
            throw new ServiceException.InvalidInput("checks[" + i + "]." + f, "is required");
          }
        }
        if (item.getValue("resource") != null && !(item.getValue("resource") instanceof String)) {
          throw new ServiceException.InvalidInput("checks[" + i + "].resource", "must be a string");
        }
        Scopes.parse("checks[" + i + "].resource", item.getString("resource"));
      }
      return db.read(c -> {
        Instant now = guard.clock().instant();
        JsonArray results = new JsonArray();
        for (int i = 0; i < checks.size(); i++) {
          JsonObject item = checks.getJsonObject(i);
          Optional<Long> userId = findSubject(c, item.getString("subject"));
          requireMayAsk(c, guard, req.principal(), userId);
          Optional<Scope> scope = Scopes.find(c, Scopes.parse("resource", item.getString("resource")));
          boolean allowed = userId.isPresent() && scope.isPresent()
              && authorizer.allowed(c, userId.get(), item.getString("permission"), scope.get(), now);
          results.add(new JsonObject().put("allowed", allowed));
        }
        return Reply.ok(new JsonObject().put("results", results).put("revision", feed.appliedRevision()));
      });
    });

    api.blocking(HttpMethod.GET, "/v1/check/explain", req -> {
      String subject = requiredQuery(req, "subject");
      String permission = requiredQuery(req, "permission");
      Scopes.Name scopeName = Scopes.parse("resource", req.query("resource").orElse("global"));
      awaitRevision(req, feed);
      return db.read(c -> {
        Optional<Long> userId = findSubject(c, subject);
        requireMayAsk(c, guard, req.principal(), userId);
        long user = userId.orElseThrow(() -> new ServiceException.NotFound("subject", subject));
        if (Jdbc.one(c, "SELECT 1 FROM permissions WHERE name = ?", rs -> true, permission).isEmpty()) {
          throw new ServiceException.NotFound("permission", permission);
        }
        Scope scope = Scopes.find(c, scopeName)
            .orElseThrow(() -> new ServiceException.NotFound("resource", req.query("resource").orElse("")));
        JsonArray because = new JsonArray();
        for (Authorizer.Reason r : authorizer.explain(c, user, permission, scope, guard.clock().instant())) {
          because.add(new JsonObject().put("grant", r.grantId()).put("role", r.role()).put("scope", r.scope()));
        }
        return Reply.ok(new JsonObject().put("allowed", !because.isEmpty()).put("because", because)
            .put("revision", feed.appliedRevision()));
      });
    });

    api.blocking(HttpMethod.GET, "/v1/me", req -> {
      Principal me = req.principal();
      if (!me.isUser()) throw new ServiceException.InvalidInput("Authorization", "an API key has no /v1/me");
      return db.read(c -> Reply.ok(Me.describe(c, me.id(), guard.clock().instant())
          .put("revision", feed.appliedRevision())));
    });
  }

  static String requiredQuery(Request req, String name) {
    return req.query(name).orElseThrow(() -> new ServiceException.InvalidInput(name, "is required"));
  }

  private static void awaitRevision(Request req, ChangeFeed feed) throws InterruptedException {
    Optional<Long> wanted = req.queryLong("at_least_revision");
    if (wanted.isPresent() && !feed.awaitRevision(wanted.get(), REVISION_WAIT_MILLIS)) {
      throw new ServiceException.Unavailable("revision_not_yet_applied",
          "revision " + wanted.get() + " is not applied yet (at " + feed.appliedRevision() + ")");
    }
  }

  /** A subject is a user id or a username. */
  static Optional<Long> findSubject(Connection c, String subject) throws SQLException {
    if (!subject.isEmpty() && subject.chars().allMatch(Character::isDigit) && subject.length() < 19) {
      Optional<Long> byId = Jdbc.one(c, "SELECT id FROM users WHERE id = ?", rs -> rs.getLong(1),
          Long.parseLong(subject));
      if (byId.isPresent()) return byId;
    }
    return Jdbc.one(c, "SELECT id FROM users WHERE username = ?", rs -> rs.getLong(1), subject);
  }

  private static void requireMayAsk(Connection c, Guard guard, Principal who, Optional<Long> subject)
      throws SQLException {
    if (who.isUser() && subject.isPresent() && subject.get() == who.id()) return;
    guard.require(c, who, "authz.check", Scope.GLOBAL);
  }
}
