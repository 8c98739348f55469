package org.provost.loadtest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Everything a run needs from the target before it starts: the admin session, the logged-in pool, an API
 * client for checks, the (subject, permission, resource) triples to check, and a grant that can be made
 * and revoked. {@link #cleanup} undoes what it created.
 */
final class Fixtures {
  private static final int DISCOVERY_USERS = 50;
  private static final int MAX_CHECKS = 2_000;

  final String adminToken;
  final List<Pool.Member> pool;
  final String checkToken;
  final List<String> checkQueries;
  final String grantRole;
  final String grantScope;
  private final Long clientId;

  private Fixtures(String adminToken, List<Pool.Member> pool, String checkToken, Long clientId,
      List<String> checkQueries, String grantRole, String grantScope) {
    this.adminToken = adminToken;
    this.pool = pool;
    this.checkToken = checkToken;
    this.clientId = clientId;
    this.checkQueries = checkQueries;
    this.grantRole = grantRole;
    this.grantScope = grantScope;
  }

  /** Fixtures prepared elsewhere (tests): an admin token, a pool and what the grant scenario grants. */
  static Fixtures of(String adminToken, List<Pool.Member> pool, String grantRole, String grantScope) {
    return new Fixtures(adminToken, pool, null, null, List.of(), grantRole, grantScope);
  }

  static Fixtures none() {
    return new Fixtures(null, List.of(), null, null, List.of(), null, null);
  }

  static Fixtures prepare(Plan plan, SetupClient http, PrintStream out) {
    String admin = plan.needsAdmin() ? adminLogin(plan, http, out) : null;
    List<Pool.Member> pool = List.of();
    if (plan.needsPool()) {
      List<String> names = Pool.usernames(plan.users());
      pool = Pool.login(http, names, plan.password(), out);
      if (pool.isEmpty()) {
        throw new IllegalStateException("no seeded user could log in (" + names.getFirst() + " ...): run "
            + "`provost seed` first, or pass the seeded users' password with --password");
      }
    }
    String checkToken = null;
    Long clientId = null;
    List<String> queries = List.of();
    Set<String> offerings = new LinkedHashSet<>();
    if (plan.mix().uses(Endpoint.CHECK) || plan.mix().uses(Endpoint.GRANT)) {
      queries = discover(http, pool, offerings);
    }
    if (plan.mix().uses(Endpoint.CHECK)) {
      SetupClient.Reply c = http.post("/v1/clients", admin, new JsonObject()
          .put("name", "loadtest-" + System.currentTimeMillis()).put("permissions", new JsonArray().add("authz.check")));
      if (c.ok()) {
        checkToken = c.json().getString("key");
        clientId = c.json().getLong("id");
        out.printf("  check: as API client %s (authz.check), %d (subject, permission, resource) triples%n",
            c.json().getString("name"), queries.size());
      } else {
        checkToken = admin;
        out.printf("  check: no API client (POST /v1/clients answered %s); checking as %s, %d triples%n",
            c.problem(), plan.adminUser(), queries.size());
      }
    }
    String scope = plan.grantScope();
    if (plan.mix().uses(Endpoint.GRANT)) {
      if (scope == null) scope = offerings.isEmpty() ? "global" : offerings.iterator().next();
      sweepLeftovers(http, admin, pool, out);
      preflightGrant(http, admin, pool.getFirst(), plan.grantRole(), scope, out);
    }
    return new Fixtures(admin, pool, checkToken, clientId, queries, plan.grantRole(), scope);
  }

  private static String adminLogin(Plan plan, SetupClient http, PrintStream out) {
    SetupClient.Reply r = http.post("/v1/sessions", null,
        new JsonObject().put("username", plan.adminUser()).put("password", plan.adminPassword()));
    if (r.status() != 201) {
      throw new IllegalStateException("cannot log in as " + plan.adminUser() + ": " + r.problem()
          + " (check --admin-user and --admin-password / PROVOST_ADMIN_PASSWORD)");
    }
    out.printf("  admin: logged in as %s%n", plan.adminUser());
    return r.json().getString("token");
  }

  /**
   * Check triples from what the pool's own {@code /v1/me} says they hold (answers that allow), plus one per
   * user that they most likely lack (answers that deny); collects the offerings they hold grants in.
   */
  private static List<String> discover(SetupClient http, List<Pool.Member> pool, Set<String> offerings) {
    List<String> queries = new ArrayList<>();
    for (Pool.Member m : pool.subList(0, Math.min(DISCOVERY_USERS, pool.size()))) {
      SetupClient.Reply me = http.get("/v1/me", m.token());
      if (!me.ok()) continue;
      for (Object g : me.json().getJsonArray("grants", new JsonArray())) {
        String scope = g instanceof JsonObject grant ? grant.getString("scope", "") : "";
        if (scope.startsWith("offering:")) offerings.add(scope);
      }
      for (Object p : me.json().getJsonArray("permissions", new JsonArray())) {
        if (p instanceof JsonObject held && queries.size() < MAX_CHECKS) {
          queries.add(query(m.username(), held.getString("permission"), held.getString("scope", "global")));
        }
      }
      if (queries.size() < MAX_CHECKS) queries.add(query(m.username(), "grades.write", "global"));
    }
    return queries;
  }

  static String query(String subject, String permission, String resource) {
    return "subject=" + encode(subject) + "&permission=" + encode(permission) + "&resource="
        + encode(resource == null ? "global" : resource);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** One grant and revoke before the run, so a missing or refusing grant API is named up front. */
  private static void preflightGrant(SetupClient http, String admin, Pool.Member target, String role, String scope,
      PrintStream out) {
    String path = "/v1/users/" + target.id() + "/grants";
    SetupClient.Reply g = http.post(path, admin, grantBody(role, scope));
    if (!g.ok()) {
      String hint = g.status() == 404 ? " (is the grant API built on this server?)" : "";
      out.printf("  grant: WARNING POST %s answered %s%s; grant requests will count as errors%n", path,
          g.problem(), hint);
      return;
    }
    SetupClient.Reply r = http.delete("/v1/grants/" + g.json().getLong("id"), admin);
    out.printf("  grant: %s on %s to pool users, each revoked after; trial grant %d, revoke %d%n", role, scope,
        g.status(), r.status());
    if (!r.ok()) out.printf("  grant: WARNING DELETE /v1/grants/{id} answered %s; revokes will count as errors%n",
        r.problem());
  }

  static JsonObject grantBody(String role, String scope) {
    return new JsonObject().put("role", role).put("scope", scope).put("reason", GRANT_REASON);
  }

  private static final String GRANT_REASON = "provost loadtest";

  /**
   * Revokes grants an earlier, interrupted run left behind (its grant answered, its revoke never sent):
   * otherwise every grant of this run would answer 409 duplicate.
   */
  private static void sweepLeftovers(SetupClient http, String admin, List<Pool.Member> pool, PrintStream out) {
    int swept = 0;
    for (Pool.Member m : pool) {
      SetupClient.Reply r = http.get("/v1/users/" + m.id() + "/grants", admin);
      if (!r.ok() || r.json() == null) continue;
      JsonArray items = r.json().getJsonArray("items", new JsonArray());
      for (int i = 0; i < items.size(); i++) {
        JsonObject g = items.getJsonObject(i);
        if (GRANT_REASON.equals(g.getString("reason")) && http.delete("/v1/grants/" + g.getLong("id"), admin).ok()) {
          swept++;
        }
      }
    }
    if (swept > 0) out.printf("  grant: revoked %d grant(s) left by an earlier, interrupted run%n", swept);
  }

  /** Revokes the API client and ends the pool's and the admin's sessions. */
  void cleanup(SetupClient http) {
    if (clientId != null) http.delete("/v1/clients/" + clientId, adminToken);
    for (Pool.Member m : pool) http.delete("/v1/sessions/current", m.token());
    if (adminToken != null) http.delete("/v1/sessions/current", adminToken);
  }
}
