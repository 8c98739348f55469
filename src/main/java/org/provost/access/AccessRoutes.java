package org.provost.access;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.provost.authz.Authority;
import org.provost.authz.Scope;
import org.provost.authz.Scopes;
import org.provost.db.Database;
import org.provost.db.Jdbc;
import org.provost.error.ServiceException;
import org.provost.http.Api;
import org.provost.http.Principal;
import org.provost.http.Reply;
import org.provost.http.Request;
import org.provost.http.Text;

/**
 * {@code GET /v1/access-review} (who held a permission on a resource at an instant, JSON or CSV) and
 * {@code GET /v1/users/{id}/access} (what one person could do at an instant, and where), answered from the
 * history tables ({@link PastState}). Reviewing needs {@code access.review} in the resource's current scope
 * or above; a person may always review their own access. docs/API.md states the contract.
 */
public final class AccessRoutes {
  static final Pattern PERMISSION = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+");
  static final int JSON_LIMIT = 500;
  static final int JSON_DEFAULT = 50;
  static final int CSV_LIMIT = 10_000;

  private AccessRoutes() {}

  public static void mount(Api api, Database db, Authority authority, Clock clock) {
    api.describe("/openapi/access.json");

    api.blocking(HttpMethod.GET, "/v1/access-review", req -> {
      String permission = req.queryOrNull("permission");
      if (permission == null) throw new ServiceException.InvalidInput("permission", "is required");
      if (permission.length() > 100 || !PERMISSION.matcher(permission).matches()) {
        throw new ServiceException.InvalidInput("permission",
            "must be a permission name such as grades.write: dotted lowercase words");
      }
      String resourceText = req.queryOrNull("resource");
      Scopes.Name resource = Scopes.parse("resource", resourceText);
      Instant at = instant(req, clock);
      boolean csv = wantsCsv(req);
      int limit = req.queryInt("limit", 1, csv ? CSV_LIMIT : JSON_LIMIT, csv ? CSV_LIMIT : JSON_DEFAULT);
      long after = cursor(req);
      return db.read(c -> {
        Scope now = Scopes.find(c, resource).orElse(Scope.GLOBAL);
        authority.require(c, req.principal(), "access.review", now);
        if (Jdbc.one(c, "SELECT 1 FROM permissions WHERE name = ?", rs -> true, permission).isEmpty()) {
          throw new ServiceException.NotFound("permission", permission);
        }
        PastState state = new PastState(c, at);
        Optional<Scope> then = state.find(resource);
        if (then.isEmpty() && !state.everNamed(resource)) {
          throw new ServiceException.NotFound("resource", resourceText);
        }
        // the answer shows grants on every scope that covered the resource THEN: a name reused since, or a
        // department moved since, covers other scopes than today's, which today's authority does not reach
        if (then.isPresent() && !state.covering(then.get()).equals(Scopes.covering(c, now))) {
          authority.require(c, req.principal(), "access.review", Scope.GLOBAL);
        }
        AccessReview.Page page = then.isEmpty() ? new AccessReview.Page(java.util.List.of(), false)
            : AccessReview.page(c, state, permission, then.get(), after, limit);
        String next = page.hasMore() ? Long.toString(page.holders().getLast().user().id()) : null;
        if (csv) {
          Map<String, String> headers = next == null ? Map.of() : Map.of("Link", "</v1/access-review?permission="
              + encode(permission) + (resourceText == null ? "" : "&resource=" + encode(resourceText)) + "&at="
              + encode(at.toString()) + "&limit=" + limit + "&after=" + next + ">; rel=\"next\"");
          return Reply.okText("text/csv; charset=utf-8", AccessCsv.write(page.holders(), state), headers);
        }
        JsonArray items = new JsonArray();
        for (AccessReview.Holder h : page.holders()) {
          JsonArray grants = new JsonArray();
          for (HeldGrant g : h.grants()) grants.add(g.toJson());
          items.add(new JsonObject().put("user", h.user().toJson(state)).put("grants", grants));
        }
        return Reply.ok(new JsonObject().put("permission", permission)
            .put("resource", resourceText == null ? "global" : resourceText).put("at", at.toString())
            .put("history_complete", state.complete()).put("items", items).put("next", next)
            .put("has_more", page.hasMore()));
      });
    });

    api.blocking(HttpMethod.GET, "/v1/users/{id}/access", req -> {
      long id = req.pathId("id", "user");
      Instant at = instant(req, clock);
      return db.read(c -> {
        Long department = Jdbc.one(c, "SELECT department_id FROM users WHERE id = ?",
            rs -> Optional.ofNullable(Jdbc.nullableLong(rs, "department_id")), id)
            .orElseThrow(() -> new ServiceException.NotFound("user", id)).orElse(null);
        Principal who = req.principal();
        if (!(who.isUser() && who.id() == id)) {
          authority.require(c, who, "access.review", department == null ? Scope.GLOBAL : Scope.department(department));
        }
        PastState state = new PastState(c, at);
        JsonObject answer = UserAccess.answer(c, state, id);
        return Reply.ok(new JsonObject().put("user", answer.getJsonObject("user")).put("at", at.toString())
            .put("history_complete", state.complete()).put("permissions", answer.getJsonArray("permissions")));
      });
    });
  }

  /**
   * The {@code at} parameter: an RFC 3339 instant with a four-digit year (0001-9999), kept to the
   * microsecond as PostgreSQL stores instants; now when absent.
   */
  static Instant instant(Request req, Clock clock) {
    String raw = req.queryOrNull("at");
    if (raw == null) return clock.instant().truncatedTo(ChronoUnit.MICROS);
    Instant at;
    try {
      if (raw.length() > 64) throw new DateTimeParseException("too long", raw, 0);
      at = OffsetDateTime.parse(raw).toInstant();
    } catch (DateTimeParseException e) {
      throw new ServiceException.InvalidInput("at", "must be an RFC 3339 timestamp such as 2026-10-15T12:00:00Z");
    }
    if (at.isBefore(Text.EARLIEST) || !at.isBefore(Text.AFTER_LATEST)) {
      throw new ServiceException.InvalidInput("at", "must be between 0001-01-01T00:00:00Z and"
          + " 9999-12-31T23:59:59.999999Z");
    }
    return at.truncatedTo(ChronoUnit.MICROS);
  }

  private static long cursor(Request req) {
    Optional<Long> after = req.queryLong("after");
    if (after.isPresent() && after.get() < 0) {
      throw new ServiceException.InvalidInput("after", "must be the next cursor of the previous page");
    }
    return after.orElse(0L);
  }

  /** True when the Accept header prefers text/csv (see {@link #prefersCsv}). */
  private static boolean wantsCsv(Request req) {
    return prefersCsv(req.routingContext().request().getHeader("Accept"));
  }

  /**
   * True when an Accept header (RFC 9110 section 12.5.1) names {@code text/csv} with a quality above 0 and
   * at least that of {@code application/json}; wildcards do not count, so {@code text/csv, *}{@code /*}
   * is CSV and no header, {@code *}{@code /*} or {@code text/csv;q=0} is JSON.
   */
  static boolean prefersCsv(String accept) {
    if (accept == null) return false;
    double csv = 0;
    double json = 0;
    for (String range : accept.split(",")) {
      String[] parts = range.split(";");
      String type = parts[0].strip().toLowerCase(Locale.ROOT);
      double q = 1;
      for (int i = 1; i < parts.length; i++) {
        String p = parts[i].strip().toLowerCase(Locale.ROOT);
        if (p.startsWith("q=")) {
          try {
            q = Double.parseDouble(p.substring(2));
          } catch (NumberFormatException e) {
            q = 0;
          }
        }
      }
      if (type.equals("text/csv")) csv = Math.max(csv, q);
      if (type.equals("application/json")) json = Math.max(json, q);
    }
    return csv > 0 && csv >= json;
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
