package org.provost.loadtest;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One event loop of the load generator: a {@link Lane} per traffic class the mix uses, each with its share
 * of that class's connections and its own waiting queue. A sweep every 100 ms times out requests (waiting or
 * in flight) that were due longer ago than the timeout. Everything here runs on this event loop.
 */
final class Sender extends VerticleBase {
  private static final long SWEEP_MILLIS = 100;
  private static final long RECONNECT_MILLIS = 100;

  private final Transport transport;
  private final int index;
  private final int loops;
  private final Lane[] lanes = new Lane[TrafficClass.values().length];
  private final List<Lane> used = new ArrayList<>();
  private NetClient client;
  private boolean stopping;

  /**
   * @param index       this loop's number, 0 to {@code loops - 1}
   * @param connections per traffic class the mix uses, this loop's share of its connections (each at least 1)
   */
  Sender(Transport transport, int index, int loops, Map<TrafficClass, Integer> connections) {
    this.transport = transport;
    this.index = index;
    this.loops = loops;
    connections.forEach((c, n) -> {
      Lane lane = new Lane(this, transport, c, n);
      lanes[c.ordinal()] = lane;
      used.add(lane);
    });
  }

  @Override
  public Future<?> start() {
    client = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true)
        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, transport.timeoutNanos() / 1_000_000)));
    List<Future<?>> opened = new ArrayList<>();
    for (Lane lane : used) opened.addAll(lane.open());
    vertx.setPeriodic(SWEEP_MILLIS, id -> sweep());
    return Future.join(opened).otherwiseEmpty();
  }

  Context context() {
    return context;
  }

  NetClient client() {
    return client;
  }

  int openConnections() {
    return used.stream().mapToInt(Lane::openConnections).sum();
  }

  /** Takes the requests in {@code [from, to)} that the workload deals to this loop, each to its class's lane. */
  void release(long from, long to) {
    for (long i = from; i < to; i++) {
      if (loops > 1 && transport.loopOf(i, loops) != index) continue;
      TrafficClass c = transport.endpoint(i).trafficClass();
      transport.handedTo(c);
      lanes[c.ordinal()].release(i);
    }
  }

  /** Records a finished request; what follows it (a revoke) goes to its own class's lane on this loop. */
  void finished(Call call, long scheduled, boolean measured, boolean scheduledRequest, int outcome, Buffer body) {
    long now = System.nanoTime();
    Call next = transport.finished(call, now - scheduled, measured, scheduledRequest, outcome, body);
    if (next != null) lanes[next.endpoint().trafficClass().ordinal()].followUp(next, now, measured);
  }

  /** Runs {@code reconnect} shortly, unless the run is over by then. */
  void reconnectLater(Runnable reconnect) {
    if (stopping) return;
    vertx.setTimer(RECONNECT_MILLIS, id -> {
      if (!stopping) reconnect.run();
    });
  }

  boolean stopping() {
    return stopping;
  }

  private void sweep() {
    long now = System.nanoTime();
    for (Lane lane : used) lane.sweep(now);
  }

  void shutdown() {
    stopping = true;
    used.forEach(Lane::shutdown);
  }
}
