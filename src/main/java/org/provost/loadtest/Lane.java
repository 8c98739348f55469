package org.provost.loadtest;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One event loop's share of the connections. Released requests take an idle connection or wait, in schedule
 * order, for the next one to come free; waiting counts in their latency. A sweep every 100 ms times out
 * requests (waiting or in flight) that were due longer ago than the timeout, and dead connections reconnect.
 */
final class Lane extends VerticleBase {
  private static final long SWEEP_MILLIS = 100;
  private static final long RECONNECT_MILLIS = 100;

  private final Transport transport;
  private final int connections;
  private final List<Connection> all = new ArrayList<>();
  private final ArrayDeque<Connection> idle = new ArrayDeque<>();
  private final ArrayDeque<FollowUp> followUps = new ArrayDeque<>();
  private long[] waiting = new long[1024];
  private int head;
  private int size;
  private NetClient client;
  private boolean stopping;

  private record FollowUp(Call call, long scheduled, boolean measured) {}

  Lane(Transport transport, int connections) {
    this.transport = transport;
    this.connections = connections;
  }

  @Override
  public Future<?> start() {
    client = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true)
        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, transport.timeoutNanos() / 1_000_000)));
    List<Future<?>> opened = new ArrayList<>();
    for (int k = 0; k < connections; k++) {
      Connection c = new Connection(this);
      all.add(c);
      opened.add(c.connect(client, transport.host(), transport.port()).onSuccess(s -> idle.add(c))
          .onFailure(e -> lost(c)));
    }
    vertx.setPeriodic(SWEEP_MILLIS, id -> sweep());
    return Future.join(opened).otherwiseEmpty();
  }

  Context context() {
    return context;
  }

  int openConnections() {
    return (int) all.stream().filter(Connection::open).count();
  }

  /** Takes the requests in {@code [from, to)} that belong to this lane (every {@code stride}-th from {@code first}). */
  void release(long first, long to, int stride) {
    for (long i = first; i < to; i += stride) {
      Connection c = idle.poll();
      if (c != null) {
        transport.sendScheduled(c, i);
      } else {
        enqueue(i);
      }
    }
  }

  /** A connection finished its request and can take the next one. */
  void free(Connection c) {
    FollowUp next = followUps.poll();
    if (next != null) {
      c.send(next.call(), next.scheduled(), next.measured(), false);
    } else if (size > 0) {
      transport.sendScheduled(c, dequeue());
    } else {
      idle.add(c);
    }
  }

  void finished(Call call, long scheduled, boolean measured, boolean scheduledRequest, int outcome, Buffer body) {
    long now = System.nanoTime();
    Call next = transport.finished(call, now - scheduled, measured, scheduledRequest, outcome, body);
    if (next != null) {
      Connection c = idle.poll();
      if (c != null) {
        c.send(next, now, measured, false);
      } else {
        followUps.add(new FollowUp(next, now, measured));
      }
    }
  }

  /** A connection closed: it reconnects shortly, unless the run is over. */
  void lost(Connection c) {
    idle.remove(c);
    if (stopping) return;
    vertx.setTimer(RECONNECT_MILLIS, id -> {
      if (!stopping) c.connect(client, transport.host(), transport.port()).onSuccess(s -> free(c))
          .onFailure(e -> lost(c));
    });
  }

  private void sweep() {
    long now = System.nanoTime();
    long timeout = transport.timeoutNanos();
    while (size > 0 && now - transport.scheduledAt(waiting[head]) >= timeout) {
      transport.timedOutWaiting(dequeue(), now);
    }
    while (!followUps.isEmpty() && now - followUps.peek().scheduled() >= timeout) {
      FollowUp f = followUps.poll();
      transport.finished(f.call(), now - f.scheduled(), f.measured(), false, Stats.TIMEOUT, null);
    }
    for (Connection c : all) {
      if (c.overdue(now, timeout)) c.abandon(Stats.TIMEOUT);
    }
  }

  void shutdown() {
    stopping = true;
    all.forEach(Connection::close);
  }

  private void enqueue(long index) {
    if (size == waiting.length) {
      long[] bigger = new long[waiting.length * 2];
      for (int k = 0; k < size; k++) bigger[k] = waiting[(head + k) % waiting.length];
      waiting = bigger;
      head = 0;
    }
    waiting[(head + size) % waiting.length] = index;
    size++;
  }

  private long dequeue() {
    long index = waiting[head];
    head = (head + 1) % waiting.length;
    size--;
    return index;
  }
}
