package org.provost.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: in the load generator, a slow SQL-class request must not delay a memory-class one. The server
 * holds every answer to {@code /slow} (a listing) until it has answered every {@code /v1/check} of the run,
 * so the SQL connections stay busy and the later listings queue in the generator. With connections of its
 * own, the memory class gets all its checks through: the server answers all of them before it answers any
 * listing. Had checks shared the listings' connections, they would have queued behind the held listings, the
 * server would never have seen them all and nothing would have been answered before the timeout: counts,
 * not timings, tell the two apart. The real sender, two event loops, real sockets.
 */
class TrafficClassIsolationTest {
  private static final int CHECKS = 150;
  private static final int LISTS = 50;

  private Vertx vertx;
  private HttpServer server;
  /** Touched on the server's one event loop only. */
  private final List<HttpServerRequest> held = new ArrayList<>();
  private int checksAnswered;
  private int listsAnswered;
  private int checksAnsweredBeforeFirstList = -1;
  private int mostListsHeld;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    server = vertx.createHttpServer().requestHandler(req -> {
      if (req.path().equals("/slow")) {
        if (checksAnswered < CHECKS) {
          held.add(req);
          mostListsHeld = Math.max(mostListsHeld, held.size());
        } else {
          answerList(req);
        }
        return;
      }
      req.response().end("{\"allowed\":true}");
      if (++checksAnswered == CHECKS) {
        held.forEach(this::answerList);
        held.clear();
      }
    }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private void answerList(HttpServerRequest req) {
    if (listsAnswered++ == 0) checksAnsweredBeforeFirstList = checksAnswered;
    req.response().end("{\"items\":[]}");
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void heldListings_holdOnlySqlConnections_everyCheckIsAnsweredBeforeAnyListing() throws Exception {
    String host = "127.0.0.1:" + server.actualPort();
    // 2 s at 100 req/s: 50 listings and 150 checks, interleaved; two connections per class over two loops
    Plan plan = new Plan(URI.create("http://" + host), 100, 2, 0, Connections.parse("memory=2,sql=2"),
        Mix.parse("list=1,check=3"), 1, "admin", "unused", "unused", "/", Duration.ofSeconds(20),
        "teaching_assistant", null).check();
    Workload workload = Workload.of(plan.mix(), Map.of(
        Endpoint.LIST, List.of(new Call(Endpoint.LIST, Call.encode("GET", host, "/slow", null, null))),
        Endpoint.CHECK, List.of(new Call(Endpoint.CHECK, Call.encode("GET", host, "/v1/check?subject=a", null,
            null)))));

    ByteArrayOutputStream progress = new ByteArrayOutputStream();
    Report report = Loadtest.run(plan, workload, 2, new PrintStream(progress, true));

    Report.Row check = row(report, "check");
    Report.Row list = row(report, "list");
    assertThat(check.count()).isEqualTo(CHECKS);
    assertThat(check.errorCount()).as("check errors %s", check.errors()).isZero();
    assertThat(list.count()).isEqualTo(LISTS);
    assertThat(list.errorCount()).as("list errors %s", list.errors()).isZero();
    // the order on the server: every check answered while the listings were held, none after them
    assertThat(checksAnsweredBeforeFirstList).isEqualTo(CHECKS);
    // the listings held at most their own connections; the rest waited in the generator's SQL queue ...
    assertThat(mostListsHeld).isEqualTo(2);
    // ... and that wait counts from their scheduled times: the first listing, due at 0 s, was held until the
    // last check, due at 1.99 s, had been answered; half of them were due at least a second before it
    assertThat(list.maxMs()).isGreaterThanOrEqualTo(1_900);
    assertThat(list.p50Ms()).isGreaterThanOrEqualTo(900);
    assertThat(report.connections()).containsExactly(Map.entry("memory", 2), Map.entry("sql", 2));
    // the progress lines say where the outstanding requests are: here, in the SQL lane
    assertThat(progress.toString()).containsPattern("outstanding \\d+ \\(memory \\d+, sql \\d+\\)");
  }

  private static Report.Row row(Report report, String endpoint) {
    return report.rows().stream().filter(r -> r.endpoint().equals(endpoint)).findFirst().orElseThrow();
  }
}
