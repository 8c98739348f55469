package org.provost.loadtest;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One traffic class's connections on one event loop, and its waiting queue. Released requests of the class
 * take an idle connection or wait, in schedule order, for the next one of this lane to come free; their
 * latency still counts from their scheduled time, so the wait is in it (coordinated omission stays
 * corrected). Requests of another class never wait here: a slow listing holds only SQL connections, and a
 * check behind it is sent on a memory connection. Follow-ups (a revoke after its grant) go before waiting
 * requests, their latency counted from when their grant answered. Runs on its {@link Sender}'s event loop.
 */
final class Lane {
  private final Sender sender;
  private final Transport transport;
  private final TrafficClass trafficClass;
  private final int connections;
  private final List<Connection> all = new ArrayList<>();
  private final ArrayDeque<Connection> idle = new ArrayDeque<>();
  private final ArrayDeque<FollowUp> followUps = new ArrayDeque<>();
  private long[] waiting = new long[1024];
  private int head;
  private int size;

  private record FollowUp(Call call, long scheduled, boolean measured) {}

  Lane(Sender sender, Transport transport, TrafficClass trafficClass, int connections) {
    this.sender = sender;
    this.transport = transport;
    this.trafficClass = trafficClass;
    this.connections = connections;
  }

  /** Opens this lane's connections; each future completes when that connection is open or has failed. */
  List<Future<?>> open() {
    List<Future<?>> opened = new ArrayList<>();
    for (int k = 0; k < connections; k++) {
      Connection c = new Connection(this);
      all.add(c);
      opened.add(c.connect(sender.client(), transport.host(), transport.port()).onSuccess(s -> idle.add(c))
          .onFailure(e -> lost(c)));
    }
    return opened;
  }

  TrafficClass trafficClass() {
    return trafficClass;
  }

  int openConnections() {
    return (int) all.stream().filter(Connection::open).count();
  }

  /** Sends scheduled request {@code index} on an idle connection, or queues it behind this class's others. */
  void release(long index) {
    Connection c = idle.poll();
    if (c != null) {
      transport.sendScheduled(c, index);
    } else {
      enqueue(index);
    }
  }

  /** Sends a follow-up (its latency counted from {@code scheduled}) at once, or before any waiting request. */
  void followUp(Call next, long scheduled, boolean measured) {
    Connection c = idle.poll();
    if (c != null) {
      c.send(next, scheduled, measured, false);
    } else {
      followUps.add(new FollowUp(next, scheduled, measured));
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
    sender.finished(call, scheduled, measured, scheduledRequest, outcome, body);
  }

  /** A connection closed: it reconnects shortly, unless the run is over. */
  void lost(Connection c) {
    idle.remove(c);
    sender.reconnectLater(() -> c.connect(sender.client(), transport.host(), transport.port())
        .onSuccess(s -> free(c)).onFailure(e -> lost(c)));
  }

  /** Times out what waited, or has been in flight, since longer than the timeout after its scheduled time. */
  void sweep(long now) {
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
