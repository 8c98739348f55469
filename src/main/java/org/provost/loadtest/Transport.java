package org.provost.loadtest;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import java.net.URI;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The sending side: a private Vert.x with one {@link Sender} per event loop, each holding, per traffic class
 * the mix uses, its share of that class's keep-alive connections ({@link Lane}), speaking HTTP/1.1 directly
 * on Vert.x sockets. The requests of each class are dealt round robin over the loops. Vert.x's own
 * HttpClient was measured first and cost about twice the CPU per request (a chain of futures and a full
 * codec per request), which made the load generator the bottleneck well below the rates the target could
 * serve; see docs/LOADTEST.md.
 */
final class Transport implements OpenLoop.Sink, AutoCloseable {
  private static final long CONNECT_WAIT_SECONDS = 30;

  private final Vertx vertx;
  private final Sender[] senders;
  private final String host;
  private final int port;
  private final long timeoutNanos;
  private final Workload workload;
  private volatile Schedule schedule;
  private final Stats warmup;
  private final Stats measured;
  private final AtomicLong released = new AtomicLong();
  private final LongAdder settled = new LongAdder();
  private final LongAdder followUpsOpen = new LongAdder();
  /** Per traffic class: requests handed to its lanes (scheduled or follow-ups) without an outcome yet. */
  private final LongAdder[] openByClass = new LongAdder[TrafficClass.values().length];
  private final java.util.Set<TrafficClass> classes;

  /**
   * @param connections per traffic class that the workload sends, its connections over all loops
   * @param loops       event loops wanted; fewer when a class has fewer connections than that, so that every
   *                    loop holds at least one connection of every class
   */
  Transport(URI target, Map<TrafficClass, Integer> connections, int loops, long timeoutNanos, Workload workload,
      Stats warmup, Stats measured) {
    this.host = target.getHost();
    this.port = target.getPort() > 0 ? target.getPort() : 80;
    this.timeoutNanos = timeoutNanos;
    this.workload = workload;
    this.warmup = warmup;
    this.measured = measured;
    this.classes = java.util.EnumSet.copyOf(connections.keySet());
    for (int c = 0; c < openByClass.length; c++) openByClass[c] = new LongAdder();
    int fewest = connections.values().stream().mapToInt(Integer::intValue).min().orElse(1);
    int loopCount = Math.clamp(loops, 1, fewest);
    this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loopCount).setWorkerPoolSize(1)
        .setInternalBlockingPoolSize(1));
    this.senders = new Sender[loopCount];
    for (int l = 0; l < loopCount; l++) {
      Map<TrafficClass, Integer> share = new EnumMap<>(TrafficClass.class);
      for (Map.Entry<TrafficClass, Integer> e : connections.entrySet()) {
        int n = e.getValue();
        share.put(e.getKey(), n / loopCount + (l < n % loopCount ? 1 : 0));
      }
      senders[l] = new Sender(this, l, loopCount, share);
    }
  }

  /** Deploys the senders and opens the connections; fails naming the target when none can be opened. */
  void connect() {
    try {
      for (Sender sender : senders) {
        vertx.deployVerticle(sender).toCompletionStage().toCompletableFuture()
            .get(CONNECT_WAIT_SECONDS, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the load generator: " + e.getMessage(), e);
    }
    int open = 0;
    for (Sender sender : senders) open += sender.openConnections();
    if (open == 0) throw new IllegalStateException("cannot connect to " + host + ":" + port);
  }

  /** Sets the schedule; before the first release. */
  void start(Schedule s) {
    this.schedule = s;
  }

  @Override
  public void release(long from, long to) {
    for (Sender sender : senders) sender.context().runOnContext(v -> sender.release(from, to));
    released.set(to);
  }

  /** The scenario of request {@code i}. */
  Endpoint endpoint(long i) {
    return workload.endpoint(i);
  }

  /** Which of {@code loops} event loops sends request {@code i}. */
  int loopOf(long i, int loops) {
    return workload.loopOf(i, loops);
  }

  /** Event loops actually sending. */
  int loops() {
    return senders.length;
  }

  void sendScheduled(Connection c, long index) {
    c.send(workload.call(index), schedule.at(index), schedule.measured(index), true);
  }

  /** Records a finished request; returns the request that follows it (a revoke after a grant), if any. */
  Call finished(Call call, long latencyNanos, boolean isMeasured, boolean scheduledRequest, int outcome,
      Buffer body) {
    (isMeasured ? measured : warmup).record(call.endpoint(), latencyNanos, outcome);
    openByClass[call.endpoint().trafficClass().ordinal()].decrement();
    // the follow-up is counted open before this request counts as settled: the end-of-run wait, on another
    // thread, must never see the last grant settled and its revoke not yet open (it ended the run without it)
    Call next = outcome < 200 || outcome >= 300 || call.followUp() == null ? null : call.followUp().after(body);
    if (next != null) {
      followUpsOpen.increment();
      openByClass[next.endpoint().trafficClass().ordinal()].increment();
    }
    if (scheduledRequest) {
      settled.increment();
    } else {
      followUpsOpen.decrement();
    }
    return next;
  }

  void timedOutWaiting(long index, long now) {
    finished(workload.call(index), now - schedule.at(index), schedule.measured(index), true, Stats.TIMEOUT, null);
  }

  /** Waits until every scheduled request and every follow-up has an outcome, or the timeout has passed. */
  long awaitSettled() throws InterruptedException {
    long deadline = schedule.at(schedule.total() - 1) + timeoutNanos + TimeUnit.SECONDS.toNanos(1);
    while (System.nanoTime() < deadline && (settled.sum() < schedule.total() || followUpsOpen.sum() > 0)) {
      Thread.sleep(5);
    }
    return System.nanoTime();
  }

  /** Requests released but without an outcome yet: in flight or waiting for a connection. */
  long outstanding() {
    return released.get() - settled.sum() + followUpsOpen.sum();
  }

  /** A scheduled request of {@code c} reached its lane. */
  void handedTo(TrafficClass c) {
    openByClass[c.ordinal()].increment();
  }

  /**
   * Per traffic class the run uses, requests handed to its lanes without an outcome yet: in flight on its
   * connections or waiting in its queue (released requests an event loop has not taken yet are not counted).
   */
  java.util.Map<TrafficClass, Long> outstandingByClass() {
    java.util.Map<TrafficClass, Long> m = new EnumMap<>(TrafficClass.class);
    for (TrafficClass c : classes) m.put(c, openByClass[c.ordinal()].sum());
    return m;
  }

  long released() {
    return released.get();
  }

  String host() {
    return host;
  }

  int port() {
    return port;
  }

  long timeoutNanos() {
    return timeoutNanos;
  }

  long scheduledAt(long index) {
    return schedule.at(index);
  }

  @Override
  public void close() {
    for (Sender sender : senders) {
      if (sender.context() != null) sender.context().runOnContext(v -> sender.shutdown());
    }
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // closing is best effort: the process is about to report and exit
    }
  }
}
