package org.provost.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real sender against a real socket: the server holds its 50th response for 500 ms. With one connection,
 * the requests due meanwhile cannot even be sent; measured from their scheduled times, they show the wait.
 * Only lower bounds are asserted: the held response guarantees them however slow the machine is.
 */
class CoordinatedOmissionTest {
  private Vertx vertx;
  private HttpServer server;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    AtomicInteger seen = new AtomicInteger();
    server = vertx.createHttpServer().requestHandler(req -> {
      if (seen.incrementAndGet() == 50) {
        vertx.setTimer(500, id -> req.response().end("{}"));
      } else {
        req.response().end("{}");
      }
    }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void heldResponse_showsInEveryRequestDueWhileItWasHeld() throws Exception {
    Plan plan = new Plan(URI.create("http://127.0.0.1:" + server.actualPort()), 100, 2, 0, Connections.each(1), Mix.parse("get=100"),
        1, "admin", null, "unused-password", "/", Duration.ofSeconds(5), "teaching_assistant", null).check();

    Report report = Loadtest.run(plan, 1, new PrintStream(new ByteArrayOutputStream()));

    Report.Row get = report.overall();
    assertThat(get.count()).isEqualTo(200);
    assertThat(get.errorCount()).isZero();
    // requests due in the first 400 ms of the hold (about 40 of 200) waited at least 100 ms
    assertThat(get.p90Ms()).isGreaterThanOrEqualTo(100);
    assertThat(get.maxMs()).isGreaterThanOrEqualTo(490);
  }
}
