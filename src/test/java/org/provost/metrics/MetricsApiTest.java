package org.provost.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.provost.http.Api;
import org.provost.testing.AccessFixture;
import org.provost.testing.Http.Response;
import org.provost.testing.ProvostServer;
import org.provost.testing.Scrape;
import org.provost.testing.Waits;

/**
 * Known traffic, then {@code /metrics}: every series an operator's question needs exists, and its count
 * moved by exactly the requests made. Counters are compared before and after each step; a request's
 * timer is recorded just after its answer is written, so a count is awaited (never a duration).
 */
class MetricsApiTest {
  @RegisterExtension
  static final ProvostServer server = ProvostServer.builder().config("PROVOST_LOGIN_MAX_FAILURES", "2").directory().build();
  static final AccessFixture fixture = server.fixture();

  @Test
  void logins_areCountedByOutcome() {
    fixture.user("lena", "CS");
    long bob = fixture.user("bert", "CS");
    assertThat(server.http.delete("/v1/users/" + bob, fixture.adminToken()).status()).isEqualTo(200);
    Scrape before = Scrape.of(server);

    assertThat(login("lena", "wrong-password").status()).isEqualTo(401);
    assertThat(login("lena", AccessFixture.PASSWORD).status()).isEqualTo(201);
    assertThat(login("lena", AccessFixture.PASSWORD).status()).isEqualTo(201);
    assertThat(login("nobody-here", "x").status()).isEqualTo(401);
    assertThat(login("nobody-here", "x").status()).isEqualTo(401);
    assertThat(login("nobody-here", "x").status()).isEqualTo(429);
    assertThat(login("bert", AccessFixture.PASSWORD).status()).isEqualTo(403);
    assertThat(server.http.post("/v1/sessions", null, new JsonObject().put("username", "lena")).status())
        .as("bad input is not a login").isEqualTo(400);

    Scrape after = Scrape.of(server);
    assertThat(delta(before, after, "provost_logins_total", "outcome", "success")).isEqualTo(2);
    assertThat(delta(before, after, "provost_logins_total", "outcome", "failure")).isEqualTo(3);
    assertThat(delta(before, after, "provost_logins_total", "outcome", "throttled")).isEqualTo(1);
    assertThat(delta(before, after, "provost_logins_total", "outcome", "inactive")).isEqualTo(1);
  }

  @Test
  void grantsRevokesAndTheirAuditInserts_areCounted() {
    long ada = fixture.user("ada", "CS");
    Scrape before = Scrape.of(server);
    fixture.grant(fixture.adminToken(), ada, "teaching_assistant", "offering:CS101/2026-fall");
    long second = fixture.grant(fixture.adminToken(), ada, "teaching_assistant", "offering:CS202/2026-fall")
        .getLong("id");
    assertThat(server.http.delete("/v1/grants/" + second, fixture.adminToken()).status()).isEqualTo(200);
    Scrape after = Scrape.of(server);
    assertThat(delta(before, after, "provost_grants_total", "op", "grant")).isEqualTo(2);
    assertThat(delta(before, after, "provost_grants_total", "op", "revoke")).isEqualTo(1);
    // grants and revokes commit through the group commit: three writes one after another are three groups,
    // each inserting its audit events in one statement
    assertThat(delta(before, after, "provost_db_query_seconds_count", "query", "audit.insert_group")).isEqualTo(3);
    assertThat(after.find("provost_db_query_seconds_bucket", "query", "audit.insert_group")).isNotEmpty();
    assertThat(delta(before, after, "provost_db_write_grouped_total")).isEqualTo(3);
    assertThat(delta(before, after, "provost_db_write_groups_total")).isEqualTo(3);
  }

  @Test
  void pagesWrittenStraightFromTheResultSet_areTimedByQueryName() {
    long bea = fixture.user("bea", "CS");
    // until the search index has caught up with bea, a search runs in SQL (users.page) as well
    double fromMemory = Scrape.of(server).sum("provost_users_search_total", "source", "memory");
    for (int i = 0; i < 200 && Scrape.of(server).sum("provost_users_search_total", "source", "memory") == fromMemory;
        i++) {
      assertThat(server.http.get("/v1/users?limit=5&q=be", fixture.adminToken()).status()).isEqualTo(200);
      Waits.sleep(25);
    }
    Scrape before = Scrape.of(server);
    assertThat(server.http.get("/v1/users?limit=5", fixture.adminToken()).status()).isEqualTo(200);
    assertThat(server.http.get("/v1/users?limit=5&q=be", fixture.adminToken()).status()).isEqualTo(200);
    assertThat(server.http.get("/v1/users/" + bea + "/grants", fixture.adminToken()).status()).isEqualTo(200);
    Scrape after = Scrape.of(server);
    // the hottest admin reads: before, none was in the metric or the slow-query log
    assertThat(delta(before, after, "provost_db_query_seconds_count", "query", "users.page")).isEqualTo(1);
    assertThat(delta(before, after, "provost_db_query_seconds_count", "query", "users.page_by_id")).isEqualTo(1);
    assertThat(delta(before, after, "provost_db_query_seconds_count", "query", "grants.for_user")).isEqualTo(1);
  }

  @Test
  void checks_areTimedPerRouteTemplate_andApiKeyLookupsCounted() {
    String key = server.http.post("/v1/clients", fixture.adminToken(), new JsonObject().put("name", "metrics"))
        .json().getString("key");
    String check = "/v1/check?subject=admin&permission=grades.write&resource=offering:CS101/2026-fall";
    Scrape before = Scrape.of(server);
    for (int i = 0; i < 7; i++) assertThat(server.http.get(check, key).status()).isEqualTo(200);
    for (int i = 0; i < 2; i++) assertThat(server.http.get("/v1/check?permission=x", key).status()).isEqualTo(400);

    Scrape after = eventually(s -> delta(before, s, "provost_http_requests_seconds_count", "route", "/v1/check",
        "method", "GET", "status", "4xx") == 2);
    assertThat(delta(before, after, "provost_http_requests_seconds_count", "route", "/v1/check", "status", "2xx"))
        .isEqualTo(7);
    double hits = delta(before, after, "provost_cache_gets_total", "cache", "api_keys", "result", "hit");
    double misses = delta(before, after, "provost_cache_gets_total", "cache", "api_keys", "result", "miss");
    assertThat(hits + misses).isEqualTo(9);
    assertThat(misses).as("a new key is loaded from PostgreSQL once").isEqualTo(1);
  }

  @Test
  void me_isCountedAsOneMissThenHits_andSessionsAsHits() {
    fixture.user("mia", "CS");
    String token = fixture.login("mia");
    fixture.check("mia", "grades.write", "offering:CS101/2026-fall"); // the index has applied everything
    Scrape before = Scrape.of(server);
    for (int i = 0; i < 3; i++) assertThat(server.http.get("/v1/me", token).status()).isEqualTo(200);
    Scrape after = Scrape.of(server);
    assertThat(delta(before, after, "provost_cache_gets_total", "cache", "me", "result", "miss")).isEqualTo(1);
    assertThat(delta(before, after, "provost_cache_gets_total", "cache", "me", "result", "hit")).isEqualTo(2);
    assertThat(delta(before, after, "provost_cache_gets_total", "cache", "sessions", "result", "hit")).isEqualTo(3);
    assertThat(delta(before, after, "provost_cache_gets_total", "cache", "sessions", "result", "miss")).isZero();
  }

  @Test
  void poolsIndexAdmissionAndReadiness_havetheirSeries() {
    long latest = fixture.count("SELECT coalesce(max(revision), 0) FROM changelog");
    fixture.check("admin", "grades.write", "offering:CS101/2026-fall");
    long users = fixture.count("SELECT count(*) FROM users");
    Scrape s = eventually(x -> x.sum("provost_authz_lag_revisions") == 0 && x.sum("provost_ready") == 1
        && x.sum("provost_authz_users") == users && x.sum("provost_authz_revision") >= latest);
    assertThat(s.sum("provost_authz_lag_seconds")).isZero();
    assertThat(s.sum("provost_authz_reloads_total")).as("the first load and the fixture's bulk change").isGreaterThanOrEqualTo(2);
    assertThat(s.sum("provost_authz_grants")).isGreaterThanOrEqualTo(1);
    assertThat(s.sum("provost_authz_heap_bytes")).isPositive();
    assertThat(s.find("provost_authz_waiting_requests")).hasSize(1);
    for (String lane : new String[] {"memory", "sql", "hash"}) {
      assertThat(s.find("provost_admission_refused_total", "lane", lane)).hasSize(1);
    }
    for (String m : new String[] {"hikaricp_connections_active", "hikaricp_connections_idle",
        "hikaricp_connections_pending", "hikaricp_connections_timeout_total", "hikaricp_connections_max"}) {
      assertThat(s.find(m, "pool", "provost-primary")).as(m).hasSize(1);
    }
    assertThat(s.sum("hikaricp_connections_acquire_seconds_count", "pool", "provost-primary")).isPositive();
    assertThat(s.sum("provost_http_requests_in_flight")).isZero();
  }

  @Test
  void routes_areLabelledByTemplate_neverByRawIds() {
    long id = fixture.user("rita", null);
    assertThat(server.http.get("/v1/users/" + id, fixture.adminToken()).status()).isEqualTo(200);
    assertThat(server.http.get("/v1/users/999999", fixture.adminToken()).status()).isEqualTo(404);
    Set<String> templates = server.app().api().routes().stream().map(Api.RouteSpec::path)
        .collect(Collectors.toSet());
    Scrape s = eventually(x -> x.sum("provost_http_requests_seconds_count", "route", "/v1/users/{id}") >= 2);
    Set<String> labelled = s.find("provost_http_requests_seconds_count").stream()
        .map(x -> x.labels().get("route")).collect(Collectors.toSet());
    assertThat(templates).containsAll(labelled);
    // the paths, not the bare number: a gauge's value can hold those digits (system_cpu_usage 0.7999999999999999)
    assertThat(s.text).doesNotContain("/v1/users/" + id).doesNotContain("/v1/users/999999");
  }

  private static Response login(String username, String password) {
    return server.http.post("/v1/sessions", null, new JsonObject().put("username", username).put("password", password));
  }

  static double delta(Scrape before, Scrape after, String name, String... labels) {
    return after.sum(name, labels) - before.sum(name, labels);
  }

  /** Scrapes until {@code condition} holds (the last scrape fails the test after 30 s). */
  static Scrape eventually(java.util.function.Predicate<Scrape> condition) {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (true) {
      Scrape s = Scrape.of(server);
      if (condition.test(s)) return s;
      if (System.nanoTime() > deadline) throw new AssertionError("metrics never matched; last scrape:\n" + s.text);
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
