package org.provost.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.provost.error.ServiceException;
import org.provost.metrics.AdmissionRefusals;
import org.slf4j.MDC;

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
    for (int i = 0; i < 3000 && sql.available() == 0; i++) Thread.sleep(10); // the release follows the work
    assertThat(sql.available()).isEqualTo(1);
    assertThat(refused("sql")).isZero();
  }

  @Test
  void waiter_holdsNoThreadWhileItWaits_andRunsOnTheRunningExecutor() throws Exception {
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
      for (int i = 0; i < 3000 && sql.available() == 0; i++) Thread.sleep(10);
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

  @Test
  void waiters_runInArrivalOrder_onTheThreadWhoseRequestEnded_withTheirOwnLoggingContext() throws Exception {
    ExecutorService runOn = Executors.newFixedThreadPool(4, Thread.ofPlatform().name("lane-", 0).factory());
    Admission sql = new Admission(Lane.SQL, 1, 64, 60_000, refusals, runOn);
    try {
      CountDownLatch first = new CountDownLatch(1);
      CompletableFuture<String> firstRanOn = new CompletableFuture<>();
      sql.submit(threads, () -> {
        firstRanOn.complete(Thread.currentThread().getName());
        try {
          first.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return () -> { };
      }, firstRanOn::completeExceptionally);
      String firstThread = firstRanOn.get(30, TimeUnit.SECONDS);
      List<String> order = Collections.synchronizedList(new ArrayList<>());
      Map<String, String> threadOf = new ConcurrentHashMap<>();
      CountDownLatch all = new CountDownLatch(20);
      for (int i = 0; i < 20; i++) {
        String id = "r" + i;
        MDC.put("request_id", id); // as the HTTP layer sets it for each request
        sql.submit(threads, () -> {
          order.add(id + "/" + MDC.get("request_id"));
          threadOf.put(id, Thread.currentThread().getName());
          return all::countDown;
        }, e -> all.countDown());
        MDC.clear();
      }
      assertThat(sql.waiting()).isEqualTo(20);
      first.countDown();
      assertThat(all.await(30, TimeUnit.SECONDS)).isTrue();
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < 20; i++) expected.add("r" + i + "/r" + i);
      assertThat(order).containsExactlyElementsOf(expected);
      // the turn passed from one request to the next on the thread that ran the first: no thread was woken
      assertThat(threadOf.values()).containsOnly(firstThread);
      for (int i = 0; i < 3000 && sql.available() == 0; i++) Thread.sleep(10);
      assertThat(sql.available()).isEqualTo(1);
      assertThat(refused("sql")).isZero();
    } finally {
      runOn.shutdownNow();
    }
  }

  /**
   * Random submissions from many threads, random work (some throws), small bounds: checked against what any
   * admission must do. At most {@code concurrency} run at once; every request either runs once or is refused
   * once, never both, never neither; refusals are counted; at the end every turn is free and none waits.
   */
  @Test
  void randomLoad_neverExceedsTheTurns_andAnswersEveryRequestExactlyOnce() throws Exception {
    SplittableRandom seeds = new SplittableRandom();
    long seed = seeds.nextLong();
    SplittableRandom random = new SplittableRandom(seed);
    for (int round = 0; round < 5; round++) {
      int concurrency = 1 + random.nextInt(4);
      int queue = random.nextInt(8);
      long maxWait = random.nextInt(3) == 0 ? 0 : 1 + random.nextInt(20);
      ExecutorService runOn = Executors.newFixedThreadPool(concurrency,
          Thread.ofPlatform().uncaughtExceptionHandler((t, e) -> { }).factory()); // the failures are expected
      try {
        Admission lane = new Admission(Lane.SQL, concurrency, queue, maxWait, refusals, runOn);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        int requests = 400;
        AtomicInteger[] outcomes = new AtomicInteger[requests];
        CountDownLatch answered = new CountDownLatch(requests);
        double refusedBefore = refused("sql");
        AtomicInteger refusedNow = new AtomicInteger();
        List<Runnable> submissions = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
          int id = i;
          outcomes[i] = new AtomicInteger();
          long sleepMicros = random.nextInt(4) == 0 ? random.nextInt(3000) : random.nextInt(100);
          boolean fails = random.nextInt(10) == 0;
          submissions.add(() -> lane.submit(threads, () -> {
            int now = running.incrementAndGet();
            most.accumulateAndGet(now, Math::max);
            try {
              TimeUnit.MICROSECONDS.sleep(sleepMicros);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            } finally {
              running.decrementAndGet();
            }
            outcomes[id].incrementAndGet();
            answered.countDown();
            if (fails) throw new IllegalStateException("work failed (expected by the test)");
            return () -> { };
          }, e -> {
            refusedNow.incrementAndGet();
            outcomes[id].incrementAndGet();
            answered.countDown();
          }));
        }
        ExecutorService submitters = Executors.newFixedThreadPool(4);
        for (int i = 0; i < requests; i++) {
          Runnable submit = submissions.get(i);
          submitters.execute(submit);
        }
        assertThat(answered.await(60, TimeUnit.SECONDS)).as("seed %d round %d", seed, round).isTrue();
        submitters.shutdown();
        for (int i = 0; i < 3000 && lane.available() < concurrency; i++) Thread.sleep(10);
        String where = "seed " + seed + ", round " + round + ": " + concurrency + " turns, queue " + queue
            + ", wait " + maxWait + " ms";
        assertThat(most.get()).as(where).isLessThanOrEqualTo(concurrency);
        for (int i = 0; i < requests; i++) assertThat(outcomes[i].get()).as(where + ", request " + i).isEqualTo(1);
        assertThat(refused("sql") - refusedBefore).as(where).isEqualTo(refusedNow.get());
        assertThat(lane.available()).as(where).isEqualTo(concurrency);
        assertThat(lane.waiting()).as(where).isZero();
      } finally {
        runOn.shutdownNow();
      }
    }
  }

  @Test
  void aSecondHoldAll_getsTheTurnsWhenTheFirstGivesThemBack() throws Exception {
    Admission sql = new Admission(Lane.SQL, 2, 5, 60_000, refusals);
    Runnable first = sql.holdAll();
    CompletableFuture<Runnable> second = new CompletableFuture<>();
    Thread holder = Thread.ofPlatform().daemon().start(() -> {
      try {
        second.complete(sql.holdAll());
      } catch (Throwable t) {
        second.completeExceptionally(t);
      }
    });
    // the second holdAll must be waiting before the turns come back (one CI run gave them back first, and
    // the waiter below took them): nothing else holds the lane's lock, so WAITING is the wait for turns
    for (int i = 0; i < 3000 && holder.getState() != Thread.State.WAITING; i++) Thread.sleep(10);
    assertThat(holder.getState()).as("the second holdAll, waiting").isEqualTo(Thread.State.WAITING);
    CompletableFuture<Boolean> ran = new CompletableFuture<>();
    sql.submit(threads, () -> ran.complete(true), ran::completeExceptionally);
    first.run();
    Runnable again = second.get(30, TimeUnit.SECONDS);
    assertThat(sql.available()).isZero();
    assertThat(ran).isNotDone(); // the second holder came first: the waiter still waits
    again.run();
    assertThat(ran.get(30, TimeUnit.SECONDS)).isTrue();
    for (int i = 0; i < 3000 && sql.available() < 2; i++) Thread.sleep(10);
    assertThat(sql.available()).isEqualTo(2);
  }

  @Test
  void aRefusalCallbackThatThrows_losesNoTurn_andNoOtherRequest() throws Exception {
    Admission sql = new Admission(Lane.SQL, 1, 10, 20, refusals);
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    CompletableFuture<Boolean> firstDone = new CompletableFuture<>();
    sql.submit(threads, () -> {
      running.countDown();
      try {
        finish.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return () -> firstDone.complete(true);
    }, firstDone::completeExceptionally);
    assertThat(running.await(30, TimeUnit.SECONDS)).isTrue();
    sql.submit(threads, () -> { throw new AssertionError("must not run"); }, e -> {
      throw new IllegalStateException("a broken refusal callback (expected by the test)");
    });
    for (int i = 0; i < 3000 && sql.waiting() > 0; i++) Thread.sleep(10); // refused at its 20 ms
    finish.countDown();
    assertThat(firstDone.get(30, TimeUnit.SECONDS)).isTrue();
    for (int i = 0; i < 3000 && sql.available() == 0; i++) Thread.sleep(10);
    assertThat(sql.available()).isEqualTo(1);
    CompletableFuture<Boolean> later = new CompletableFuture<>();
    sql.submit(threads, () -> later.complete(true), later::completeExceptionally);
    assertThat(later.get(30, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aRequestThatLeavesItsThreadInterrupted_doesNotInterruptTheNextOne() throws Exception {
    ExecutorService runOn = Executors.newSingleThreadExecutor();
    Admission sql = new Admission(Lane.SQL, 1, 5, 60_000, refusals, runOn);
    try {
      Runnable release = sql.holdAll();
      CompletableFuture<Boolean> firstRan = new CompletableFuture<>();
      CompletableFuture<Boolean> secondInterrupted = new CompletableFuture<>();
      sql.submit(threads, () -> {
        Thread.currentThread().interrupt(); // as work that was interrupted and kept the flag does
        return () -> firstRan.complete(true);
      }, firstRan::completeExceptionally);
      sql.submit(threads, () -> {
        secondInterrupted.complete(Thread.currentThread().isInterrupted());
        return () -> { };
      }, secondInterrupted::completeExceptionally);
      assertThat(sql.waiting()).isEqualTo(2);
      release.run();
      assertThat(firstRan.get(30, TimeUnit.SECONDS)).isTrue();
      assertThat(secondInterrupted.get(30, TimeUnit.SECONDS)).isFalse();
    } finally {
      runOn.shutdownNow();
    }
  }

  /**
   * The case where a throwing refusal used to lose requests: an ending request finds an expired waiter
   * (the shared expiry thread is kept busy by another lane's slow refusal) and a live one behind it.
   */
  @Test
  void anEndingRequestThatFindsAnExpiredWaiterWithAThrowingRefusal_stillRunsTheNextOne() throws Exception {
    Admission busy = new Admission(Lane.HASH, 1, 5, 1, refusals);
    Runnable busyRelease = busy.holdAll();
    CountDownLatch expiryBlocked = new CountDownLatch(1);
    CountDownLatch unblock = new CountDownLatch(1);
    busy.submit(threads, () -> { }, e -> { // runs on the expiry thread and keeps it
      expiryBlocked.countDown();
      try {
        unblock.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
    });
    try {
      assertThat(expiryBlocked.await(30, TimeUnit.SECONDS)).isTrue();
      Admission sql = new Admission(Lane.SQL, 1, 10, 200, refusals);
      Runnable release = sql.holdAll();
      sql.submit(threads, () -> { throw new AssertionError("must not run"); }, e -> {
        throw new IllegalStateException("a broken refusal callback (expected by the test)");
      });
      Thread.sleep(300); // the first waiter is past its 200 ms, and the expiry thread cannot refuse it
      CompletableFuture<Boolean> next = new CompletableFuture<>();
      sql.submit(threads, () -> next.complete(true), next::completeExceptionally);
      release.run(); // the waiters start: the expired one is refused, the live one runs
      assertThat(next.get(30, TimeUnit.SECONDS)).isTrue();
      for (int i = 0; i < 3000 && sql.available() == 0; i++) Thread.sleep(10);
      assertThat(sql.available()).isEqualTo(1);
      assertThat(sql.waiting()).isZero();
    } finally {
      unblock.countDown();
      busyRelease.run();
    }
  }
}
