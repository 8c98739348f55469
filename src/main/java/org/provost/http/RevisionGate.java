package org.provost.http;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.provost.error.ServiceException;

/**
 * The one place that decides freshness for every read answered from the authorization index (check, batch,
 * explain, /v1/me), as SpiceDB's consistency middleware does: {@code at_least_revision=N} answers only from
 * an index that has applied revision N. The request waits (at most {@link #WAIT_MILLIS}) when N is close
 * ahead, else answers at once:
 * <ul>
 *   <li>400 {@code invalid_input} naming {@code at_least_revision} when it is not a whole number >= 0, or
 *       is more than {@link #AHEAD_LIMIT} revisions beyond what this instance has applied (no write can be
 *       that far ahead of a live change feed: it names a revision that does not exist);</li>
 *   <li>503 {@code revision_not_yet_applied} with Retry-After after the wait, or at once when
 *       {@code maxWaiters} requests are already waiting.</li>
 * </ul>
 * Waiters are removed when released, on timeout and when the client disconnects; {@link #waiting()} is
 * exported as a gauge.
 *
 * <p>A request is authenticated before it may wait (an unauthenticated client cannot take a waiter's place),
 * so its principal may come from state older than the revision it names. When that revision is applied only
 * after the principal was resolved, the caller resolves it again before answering: a request that waits for
 * the revision of its own logout, or of its key's revocation, is answered 401, never with the ended session.
 */
public final class RevisionGate {
  /** How long a request may wait for its revision, in milliseconds. */
  public static final long WAIT_MILLIS = 2_000;
  /** How far beyond the applied revision a wanted one may be and still be waited for. */
  public static final long AHEAD_LIMIT = 100_000;
  static final String PARAMETER = "at_least_revision";

  private final LongSupplier applied;
  private final int maxWaiters;
  private final ConcurrentLinkedQueue<Waiter> waiters = new ConcurrentLinkedQueue<>();
  private final AtomicInteger count = new AtomicInteger();

  /**
   * @param applied the revision the index has applied (cheap, non-blocking)
   * @param maxWaiters how many requests may wait at once on this instance
   */
  public RevisionGate(LongSupplier applied, int maxWaiters) {
    this.applied = applied;
    this.maxWaiters = maxWaiters;
  }

  /** A gate that never waits (an index that cannot apply changes: benchmarks, tools). */
  public static RevisionGate of(LongSupplier applied) {
    return new RevisionGate(applied, 0);
  }

  /** How many requests are waiting now. */
  public int waiting() {
    return count.get();
  }

  /** The revision this instance has applied now. Never blocks. */
  public long applied() {
    return applied.getAsLong();
  }

  /**
   * Decides one request that may name a revision. Call on the event loop.
   * <ul>
   *   <li>{@code proceed} runs now when the request names none, or one already applied when its principal
   *       was resolved ({@code resolvedAt});</li>
   *   <li>{@code resolveAgain} runs when the revision was applied only since then (now, or later on the
   *       request's context after a wait): the principal was resolved from older state and that revision may
   *       have ended it (a logout, a revoked key, a deactivated account), so the caller resolves it again;</li>
   *   <li>else {@code fail} gets the 400 or 503;</li>
   *   <li>{@code abandoned} runs, on the event loop, when the client closes its connection while the request
   *       waits: nothing is answered then, and the caller records the request as over.</li>
   * </ul>
   * Exactly one of the four runs, once.
   *
   * @param resolvedAt the revision this instance had applied before the request's principal was resolved
   */
  void admit(RoutingContext ctx, long resolvedAt, Runnable proceed, Runnable resolveAgain,
      java.util.function.Consumer<Throwable> fail, Runnable abandoned) {
    long wanted;
    try {
      wanted = wanted(ctx);
    } catch (ServiceException e) {
      fail.accept(e);
      return;
    }
    if (wanted <= resolvedAt) {
      proceed.run();
      return;
    }
    long now = applied.getAsLong();
    if (wanted <= now) {
      resolveAgain.run();
      return;
    }
    if (wanted - now > AHEAD_LIMIT) {
      fail.accept(new ServiceException.InvalidInput(PARAMETER, "revision " + wanted
          + " does not exist yet (this instance is at " + now + ")"));
      return;
    }
    if (ctx.response().closed()) {
      // the client left while its token was loaded: a close handler set now would never be called (this runs
      // on the connection's event loop, so no close can come between this check and the handler below)
      abandoned.run();
      return;
    }
    if (count.incrementAndGet() > maxWaiters) {
      count.decrementAndGet();
      fail.accept(notYet(wanted, now));
      return;
    }
    Vertx vertx = ctx.vertx();
    Waiter w = new Waiter(wanted, Vertx.currentContext(), resolveAgain);
    w.timer = vertx.setTimer(WAIT_MILLIS, id -> {
      if (w.claim()) {
        forget(w);
        fail.accept(notYet(wanted, applied.getAsLong()));
      }
    });
    waiters.add(w);
    ctx.response().closeHandler(v -> {
      if (w.claim()) {
        try {
          abandoned.run(); // before it leaves the count: whoever sees no waiter sees the request over
        } finally {
          forget(w);
          vertx.cancelTimer(w.timer);
        }
      }
    });
    // published between the read above and the add: nobody else will release it
    if (applied.getAsLong() >= wanted) released(applied.getAsLong());
  }

  /** Releases the waiters that {@code revision} satisfies (called by the index's writer on each publish). */
  public void released(long revision) {
    if (count.get() == 0) return;
    for (Waiter w : waiters) {
      if (w.wanted <= revision && w.claim()) {
        forget(w);
        w.context.runOnContext(v -> {
          w.context.owner().cancelTimer(w.timer);
          w.resume.run();
        });
      }
    }
  }

  private void forget(Waiter w) {
    if (waiters.remove(w)) count.decrementAndGet();
  }

  private static ServiceException notYet(long wanted, long now) {
    return new ServiceException.Unavailable("revision_not_yet_applied",
        "revision " + wanted + " is not applied on this instance yet (it is at " + now + "); retry shortly");
  }

  /** The wanted revision from the query string or, for a JSON body, its field; 0 when not asked. */
  static long wanted(RoutingContext ctx) {
    String raw = QueryString.get(ctx.request().query(), PARAMETER);
    long fromQuery = raw == null ? -1 : parse(raw);
    long fromBody = -1;
    if (ctx.body() != null && ctx.body().length() > 0 && ctx.body().buffer().getByte(0) == '{') {
      Object v;
      try {
        v = ctx.body().asJsonObject().getValue(PARAMETER);
      } catch (RuntimeException e) {
        v = null; // not JSON: the handler reports the body
      }
      if (v != null) {
        if (!(v instanceof Number n) || n instanceof Double || n instanceof Float || n.longValue() < 0) {
          throw invalid();
        }
        fromBody = n.longValue();
      }
    }
    if (fromQuery >= 0 && fromBody >= 0) {
      throw new ServiceException.InvalidInput(PARAMETER, "send it in the query or in the body, not both");
    }
    return Math.max(0, Math.max(fromQuery, fromBody));
  }

  private static long parse(String raw) {
    if (raw.isEmpty() || raw.length() > 18) throw invalid();
    long v = 0;
    for (int i = 0; i < raw.length(); i++) {
      char ch = raw.charAt(i);
      if (ch < '0' || ch > '9') throw invalid();
      v = v * 10 + (ch - '0');
    }
    return v;
  }

  private static ServiceException invalid() {
    return new ServiceException.InvalidInput(PARAMETER, "must be a whole number between 0 and 999999999999999999");
  }

  /** One waiting request; claimed exactly once (released, timed out, or disconnected). */
  private static final class Waiter {
    final long wanted;
    final Context context;
    final Runnable resume;
    final AtomicBoolean done = new AtomicBoolean();
    volatile long timer;

    Waiter(long wanted, Context context, Runnable resume) {
      this.wanted = wanted;
      this.context = context;
      this.resume = resume;
    }

    boolean claim() {
      return done.compareAndSet(false, true);
    }
  }
}
