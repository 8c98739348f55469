package org.provost.authz;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.provost.testing.AccessFixture;
import org.provost.testing.Http;
import org.provost.testing.Http.Response;
import org.provost.testing.ProvostServer;
import org.provost.testing.Scrape;

/**
 * {@code at_least_revision} is decided in one place for every read answered from the index (check, batch,
 * explain, /v1/me): the same validation, the same wait, the same 503; a revision that cannot exist answers
 * 400 at once; waiters are bounded and go away on timeout and disconnect.
 */
class RevisionGateTest {
  static final String[] ROUTES = {"/v1/check?subject=admin&permission=users.read",
      "/v1/check/explain?subject=admin&permission=users.read", "/v1/me"};
  @RegisterExtension
  static final ProvostServer server = ProvostServer.builder().config("PROVOST_MAX_REVISION_WAITERS", "4").admin().build();
  static final Http http = server.http;

  private static long current() {
    return http.get("/v1/check?subject=admin&permission=users.read", server.admin()).json().getLong("revision");
  }

  private static Response batch(Object atLeast) {
    JsonObject body = new JsonObject().put("checks", new JsonArray().add(new JsonObject().put("subject", "admin")
        .put("permission", "users.read")));
    if (atLeast != null) body.put("at_least_revision", atLeast);
    return http.post("/v1/check/batch", server.admin(), body);
  }

  private static Response get(String route, String atLeast) {
    return http.get(route + (route.contains("?") ? "&" : "?") + "at_least_revision=" + atLeast, server.admin());
  }

  @Test
  void everyIndexRoute_answersAnAppliedRevision_andRefusesMalformedOnesNamingTheField() {
    long now = current();
    for (String route : ROUTES) {
      assertThat(get(route, Long.toString(now)).status()).as(route).isEqualTo(200);
      for (String bad : new String[] {"-1", "abc", "1.5", "99999999999999999999"}) {
        Response r = get(route, bad);
        assertThat(r.status()).as("%s %s", route, bad).isEqualTo(400);
        assertThat(AccessFixture.fields(r)).containsExactly("at_least_revision");
      }
    }
    assertThat(batch(now).status()).isEqualTo(200);
    for (Object bad : new Object[] {"7", -1, 1.5, new JsonObject()}) {
      Response r = batch(bad);
      assertThat(r.status()).as("batch %s", bad).isEqualTo(400);
      assertThat(AccessFixture.fields(r)).containsExactly("at_least_revision");
    }
  }

  @Test
  void aRevisionThatCannotExist_answers400AtOnce_withoutWaiting() {
    for (String route : ROUTES) {
      Response r = get(route, "9223372036854775807".substring(0, 18));
      assertThat(r.status()).as(route).isEqualTo(400);
      assertThat(AccessFixture.fields(r)).containsExactly("at_least_revision");
    }
    assertThat(batch(Long.MAX_VALUE / 2).status()).isEqualTo(400);
    assertThat(server.app().revisionGate().waiting()).isZero();
  }

  @Test
  void theBatch_waitsForItsRevisionLikeTheOthers_andAnswers503WhenItDoesNotCome() {
    Response r = batch(current() + 5);
    assertThat(r.status()).as(r.toString()).isEqualTo(503);
    assertThat(r.json().getString("code")).isEqualTo("revision_not_yet_applied");
    assertThat(r.header("Retry-After")).isNotNull();
    for (String route : ROUTES) {
      Response late = get(route, Long.toString(current() + 5));
      assertThat(late.status()).as(route).isEqualTo(503);
      assertThat(late.json().getString("code")).isEqualTo("revision_not_yet_applied");
    }
    assertThat(server.app().revisionGate().waiting()).isZero();
  }

  @Test
  void waiters_areBounded_andLeaveWhenTheirClientDisconnects() throws Exception {
    Scrape before = Scrape.of(server);
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    long ahead = current() + 3;
    List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      waiting.add(client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.app().port()
          + "/v1/check?subject=admin&permission=users.read&at_least_revision=" + ahead))
          .header("Authorization", "Bearer " + server.admin()).build(), HttpResponse.BodyHandlers.ofString()));
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (server.app().revisionGate().waiting() < 4 && System.nanoTime() < deadline) Thread.sleep(5);
    assertThat(server.app().revisionGate().waiting()).isEqualTo(4);
    Response full = get("/v1/me", Long.toString(ahead));
    assertThat(full.status()).as("a fifth waiter is refused at once").isEqualTo(503);
    waiting.forEach(f -> f.cancel(true));
    client.close(); // closes the connections: the server drops their waiters
    deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (server.app().revisionGate().waiting() > 0 && System.nanoTime() < deadline) Thread.sleep(5);
    assertThat(server.app().revisionGate().waiting()).isZero();
    // each left request is over: counted as abandoned, no longer in flight (the gauge leaked them before)
    Scrape s = Scrape.of(server);
    assertThat(s.sum("provost_http_requests_in_flight")).isZero();
    // each left before its 2 s wait ran out (abandoned), or, on a slow runner, ran out first (a 503 of
    // /v1/check: the fifth request was /v1/me); none is lost between the two
    double abandoned = s.sum("provost_http_requests_abandoned_total")
        - before.sum("provost_http_requests_abandoned_total");
    double timedOut = s.sum("provost_http_requests_seconds_count", "route", "/v1/check", "status", "5xx")
        - before.sum("provost_http_requests_seconds_count", "route", "/v1/check", "status", "5xx");
    assertThat(abandoned).isPositive();
    assertThat(abandoned + timedOut).isEqualTo(4);
  }

  @Test
  void aWaiter_isReleasedByTheWriteItWaitsFor() throws Exception {
    long next = current() + 1;
    CompletableFuture<Response> check = CompletableFuture.supplyAsync(
        () -> get("/v1/check?subject=admin&permission=library.borrow", Long.toString(next)));
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (server.app().revisionGate().waiting() == 0 && System.nanoTime() < deadline) Thread.sleep(5);
    assertThat(http.post("/v1/permissions", server.admin(), new JsonObject().put("name", "gate.released")).status())
        .isEqualTo(201);
    Response r = check.get();
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().getLong("revision")).isGreaterThanOrEqualTo(next);
  }
}
