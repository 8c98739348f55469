package org.provost.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.provost.error.ServiceException;
import org.provost.metrics.AdmissionRefusals;

/** The admission limit alone: outcomes only (admitted, refused, counted), never how long anything took. */
class AdmissionTest {
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final AdmissionRefusals refusals = new AdmissionRefusals(meters);
  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

  @AfterEach
  void stop() {
    threads.shutdownNow();
  }

  private double refused(String lane) {
    return meters.get("provost.admission.refused").tag("lane", lane).counter().count();
  }

  @Test
  void fullLaneWithoutQueue_refusesBeforeSubmitReturns_andCounts() throws Exception {
    Admission sql = new Admission(Lane.SQL, 2, 0, 100, refusals);
    Runnable release = sql.holdAll();
    ServiceException[] seen = new ServiceException[1];
    sql.submit(threads, () -> { throw new AssertionError("must not run"); }, e -> seen[0] = e);
    assertThat(seen[0]).isInstanceOf(ServiceException.Unavailable.class);
    assertThat(seen[0].code()).isEqualTo("overloaded");
    assertThat(seen[0].getMessage()).contains("sql lane is full", "2 running, 0 waiting");
    assertThat(refused("sql")).isEqualTo(1);
    release.run();
  }

  @Test
  void waiterPastItsMaximumWait_isRefused_whileTheLaneIsStillHeld() throws Exception {
    Admission hash = new Admission(Lane.HASH, 1, 5, 50, refusals);
    Runnable release = hash.holdAll();
    CompletableFuture<ServiceException> refusal = new CompletableFuture<>();
    hash.submit(threads, () -> refusal.completeExceptionally(new AssertionError("ran")), refusal::complete);
    ServiceException e = refusal.get(30, TimeUnit.SECONDS);
    assertThat(hash.available()).isZero(); // still held: the refusal did not wait for the release
    assertThat(e.getMessage()).contains("no turn within 50 ms");
    assertThat(refused("hash")).isEqualTo(1);
    assertThat(hash.waiting()).isZero();
    release.run();
  }

  @Test
  void waiter_runsOnceAPermitIsReturned_andGivesItBack() throws Exception {
    Admission sql = new Admission(Lane.SQL, 1, 5, 60_000, refusals);
    Runnable release = sql.holdAll();
    CompletableFuture<Boolean> ran = new CompletableFuture<>();
    sql.submit(threads, () -> ran.complete(true), ran::completeExceptionally);
    assertThat(ran).isNotDone();
    release.run();
    assertThat(ran.get(30, TimeUnit.SECONDS)).isTrue();
    for (int i = 0; i < 100 && sql.available() == 0; i++) Thread.sleep(10); // the release follows the work
    assertThat(sql.available()).isEqualTo(1);
    assertThat(refused("sql")).isZero();
  }

  @Test
  void waiter_waitsOnTheWaitingExecutor_andRunsOnTheRunningOne() throws Exception {
    ExecutorService runOn = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("lane-runner").factory());
    Admission sql = new Admission(Lane.SQL, 1, 5, 60_000, refusals, runOn);
    try {
      Runnable release = sql.holdAll();
      CompletableFuture<String> ranOn = new CompletableFuture<>();
      sql.submit(threads, () -> {
        ranOn.complete(Thread.currentThread().getName());
        return () -> { };
      }, ranOn::completeExceptionally);
      // the one running thread is free while the request waits for its turn
      assertThat(runOn.submit(() -> "free").get(30, TimeUnit.SECONDS)).isEqualTo("free");
      assertThat(ranOn).isNotDone();
      release.run();
      assertThat(ranOn.get(30, TimeUnit.SECONDS)).isEqualTo("lane-runner");
      // the permit is given back once the work has run; a free permit runs the next one there at once
      for (int i = 0; i < 100 && sql.available() == 0; i++) Thread.sleep(10);
      assertThat(sql.available()).isEqualTo(1);
      CompletableFuture<String> atOnce = new CompletableFuture<>();
      sql.submit(threads, () -> {
        atOnce.complete(Thread.currentThread().getName());
        return () -> { };
      }, atOnce::completeExceptionally);
      assertThat(atOnce.get(30, TimeUnit.SECONDS)).isEqualTo("lane-runner");
    } finally {
      runOn.shutdownNow();
    }
  }
}
