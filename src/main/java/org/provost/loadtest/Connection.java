package org.provost.loadtest;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;

/**
 * One keep-alive HTTP/1.1 connection of a {@link Lane} (one traffic class on one event loop), carrying one
 * request at a time (no pipelining, like a browser or wrk). Runs on its lane's event loop only.
 */
final class Connection {
  private final Lane lane;
  private final ResponseParser parser = new ResponseParser();
  private NetSocket socket;
  private Call call;
  private long scheduled;
  private boolean measured;
  private boolean scheduledRequest;

  Connection(Lane lane) {
    this.lane = lane;
  }

  Future<NetSocket> connect(NetClient client, String host, int port) {
    return client.connect(port, host).onSuccess(s -> {
      socket = s;
      s.handler(this::onData);
      s.closeHandler(v -> onClosed(s));
      s.exceptionHandler(e -> s.close());
    });
  }

  boolean open() {
    return socket != null;
  }

  boolean busy() {
    return call != null;
  }

  /** Sends {@code call}; its latency will count from {@code scheduled}. */
  void send(Call call, long scheduled, boolean measured, boolean scheduledRequest) {
    this.call = call;
    this.scheduled = scheduled;
    this.measured = measured;
    this.scheduledRequest = scheduledRequest;
    parser.reset(call.wantsBody());
    socket.write(call.bytes());
  }

  /** Whether the request in flight was due {@code timeoutNanos} ago or more. */
  boolean overdue(long now, long timeoutNanos) {
    return call != null && now - scheduled >= timeoutNanos;
  }

  /** Gives up on the request in flight (a timeout) and drops the connection, which the lane replaces. */
  void abandon(int outcome) {
    finish(outcome, null);
    if (socket != null) socket.close();
  }

  private void onData(Buffer data) {
    if (call == null) {
      socket.close();
      return;
    }
    switch (parser.feed(data)) {
      case MORE -> { }
      case DONE -> {
        boolean close = parser.closeAfter();
        finish(parser.status(), parser.body());
        if (close) {
          socket.close();
        } else {
          lane.free(this);
        }
      }
      case MALFORMED -> abandon(Stats.MALFORMED);
    }
  }

  private void onClosed(NetSocket closed) {
    if (closed != socket) return;
    socket = null;
    if (call != null) finish(Stats.CONNECTION, null);
    lane.lost(this);
  }

  private void finish(int outcome, Buffer body) {
    Call done = call;
    call = null;
    lane.finished(done, scheduled, measured, scheduledRequest, outcome, body);
  }

  void close() {
    if (socket != null) socket.close();
  }
}
