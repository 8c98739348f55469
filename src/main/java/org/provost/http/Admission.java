package org.provost.http;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.provost.error.ServiceException;
import org.provost.metrics.AdmissionRefusals;

/**
 * Bounded admission to one lane: at most {@code concurrency} requests run at once, at most {@code maxQueue}
 * wait for a turn, and none waits longer than {@code maxWaitMillis}. A request past any of these bounds is
 * refused at once with 503 {@code overloaded} (the HTTP layer adds {@code Retry-After}) and counted in
 * {@code provost_admission_refused_total{lane}}; it is never left to time out.
 *
 * <p>{@link #submit} never blocks its caller (the event loop): a request that finds a free permit starts
 * on the executor at once; one that must wait does so on its own virtual thread, in arrival order (a fair
 * semaphore), holding no connection. The idea is that of a concurrency limiter with a bounded queue, as in
 * Netflix's concurrency-limits or Envoy's adaptive concurrency, with fixed limits.
 */
public final class Admission {
  private final Lane lane;
  private final int concurrency;
  private final int maxQueue;
  private final long maxWaitNanos;
  private final Semaphore permits;
  private final AtomicInteger queued = new AtomicInteger();
  private final AdmissionRefusals refusals;
  /** Where admitted work runs; null: on the executor it was submitted with. */
  private final Executor runOn;

  /**
   * An admission whose work runs on the executor each request is submitted with.
   *
   * @param concurrency requests running at once (>= 1)
   * @param maxQueue requests waiting for a permit (>= 0; 0: refuse whenever all permits are taken)
   * @param maxWaitMillis the longest a request waits for a permit before it is refused (>= 0)
   * @param refusals where refusals are counted
   */
  public Admission(Lane lane, int concurrency, int maxQueue, long maxWaitMillis, AdmissionRefusals refusals) {
    this(lane, concurrency, maxQueue, maxWaitMillis, refusals, null);
  }

  /**
   * As {@link #Admission(Lane, int, int, long, AdmissionRefusals)}, with admitted work run on {@code runOn}
   * (the SQL lane's own threads, below the event loops' priority: ops.ThreadPriority), while a request that
   * waits for a permit waits on the executor it was submitted with (virtual threads: it holds none of
   * {@code runOn}'s threads).
   */
  public Admission(Lane lane, int concurrency, int maxQueue, long maxWaitMillis, AdmissionRefusals refusals,
      Executor runOn) {
    if (concurrency < 1 || maxQueue < 0 || maxWaitMillis < 0) {
      throw new IllegalArgumentException("concurrency " + concurrency + ", queue " + maxQueue + ", wait "
          + maxWaitMillis);
    }
    this.lane = lane;
    this.concurrency = concurrency;
    this.maxQueue = maxQueue;
    this.maxWaitNanos = TimeUnit.MILLISECONDS.toNanos(maxWaitMillis);
    this.permits = new Semaphore(concurrency, true);
    this.refusals = refusals;
    this.runOn = runOn;
  }

  /**
   * Runs {@code work} once admitted (on this admission's own threads when it has them, else on
   * {@code executor}; a request that must wait waits on {@code executor}), releasing the permit when it
   * returns; or calls
   * {@code refused} (on the caller's thread when the queue is full, else on the waiting virtual thread)
   * with a 503 {@code overloaded} error. Never blocks.
   */
  public void submit(Executor executor, Runnable work, java.util.function.Consumer<ServiceException> refused) {
    submit(executor, () -> {
      work.run();
      return NOTHING;
    }, refused);
  }

  private static final Runnable NOTHING = () -> { };

  /**
   * As {@link #submit(Executor, Runnable, java.util.function.Consumer)} for work that ends by answering:
   * {@code work} returns the answer, which runs only once the permit is back. A client that sends its next
   * request as soon as it has the answer then never finds the permit of its own previous request still
   * taken.
   */
  public void submit(Executor executor, java.util.function.Supplier<Runnable> work,
      java.util.function.Consumer<ServiceException> refused) {
    Executor runOn = this.runOn == null ? executor : this.runOn;
    if (tryNow()) {
      start(runOn, work, refused);
      return;
    }
    if (queued.incrementAndGet() > maxQueue) {
      queued.decrementAndGet();
      refuse(refused, "queue");
      return;
    }
    try {
      executor.execute(() -> { // the wait, on the executor submitted with
        boolean admitted;
        try {
          admitted = permits.tryAcquire(maxWaitNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          admitted = false;
        } finally {
          queued.decrementAndGet();
        }
        if (!admitted) {
          refuse(refused, "wait");
          return;
        }
        if (runOn == executor) {
          runHolding(work);
        } else {
          start(runOn, work, refused);
        }
      });
    } catch (RejectedExecutionException e) {
      queued.decrementAndGet();
      refuse(refused, "shutdown");
    }
  }

  /** A free permit, unless others wait for one (arrival order: the semaphore is fair). Never parks. */
  private boolean tryNow() {
    try {
      return permits.tryAcquire(0, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void start(Executor executor, java.util.function.Supplier<Runnable> work,
      java.util.function.Consumer<ServiceException> refused) {
    try {
      executor.execute(() -> runHolding(work));
    } catch (RejectedExecutionException e) {
      permits.release();
      refuse(refused, "shutdown");
    }
  }

  private void runHolding(java.util.function.Supplier<Runnable> work) {
    Runnable answer;
    try {
      answer = work.get();
    } finally {
      permits.release();
    }
    answer.run();
  }

  private void refuse(java.util.function.Consumer<ServiceException> refused, String why) {
    refusals.refused(AdmissionRefusals.Lane.valueOf(lane.name()));
    refused.accept(new ServiceException.Unavailable("overloaded", "the " + lane.name().toLowerCase(
        java.util.Locale.ROOT) + " lane is full (" + describe(why) + "); retry shortly"));
  }

  private String describe(String why) {
    return switch (why) {
      case "queue" -> concurrency + " running, " + maxQueue + " waiting";
      case "wait" -> "no turn within " + TimeUnit.NANOSECONDS.toMillis(maxWaitNanos) + " ms; " + concurrency
          + " running";
      default -> "shutting down";
    };
  }

  /** Permits free now (tests, metrics). */
  public int available() {
    return permits.availablePermits();
  }

  /** Requests waiting for a permit now. */
  public int waiting() {
    return queued.get();
  }

  public int concurrency() {
    return concurrency;
  }

  /**
   * Takes every permit and returns what gives them back: while held, every request of the lane waits and is
   * then refused. For tests that prove the other lanes do not wait behind this one, and for operators'
   * drills. Blocks until the permits in use are returned.
   */
  public Runnable holdAll() throws InterruptedException {
    permits.acquire(concurrency);
    return () -> permits.release(concurrency);
  }
}
