package org.provost.http;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.provost.error.ServiceException;
import org.provost.metrics.AdmissionRefusals;
import org.slf4j.MDC;

/**
 * Bounded admission to one lane: at most {@code concurrency} requests run at once, at most {@code maxQueue}
 * wait for a turn, and none waits longer than {@code maxWaitMillis}. A request past any of these bounds is
 * refused with 503 {@code overloaded} (the HTTP layer adds {@code Retry-After}) and counted in
 * {@code provost_admission_refused_total{lane}}: at once when the queue is full, at the end of its
 * maximum wait otherwise; it is never left to time out. The idea is that of a concurrency limiter with a
 * bounded queue, as in Netflix's concurrency-limits or Envoy's adaptive concurrency, with fixed limits.
 *
 * <p>{@link #submit} never blocks its caller (the event loop). A request that finds a free turn starts on
 * the executor at once. One that must wait joins a FIFO queue, holding no thread and no connection; when a
 * request ends, the thread that ran it takes the turn on to the oldest waiting request and runs it itself,
 * with that request's logging context. So a queued request starts without any thread being woken: on a
 * saturated machine each wake-up is a wait for a core, and with the turns kept few (the SQL lane's default,
 * Config.Lanes) those waits had left turns unused between one request and the next.
 */
public final class Admission {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Admission.class);
  /**
   * Refuses waiters at the end of their maximum wait: one daemon thread shared by every admission, so a
   * {@code refused} callback must not block (the HTTP layer's hands the refusal to the event loop).
   */
  private static final ScheduledExecutorService EXPIRY = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "provost-admission-expiry");
    t.setDaemon(true);
    return t;
  });

  private final Lane lane;
  private final int concurrency;
  private final int maxQueue;
  private final long maxWaitNanos;
  private final AdmissionRefusals refusals;
  /** Where admitted work runs; null: on the executor it was submitted with. */
  private final Executor runOn;

  private final ReentrantLock lock = new ReentrantLock();
  /** Signalled when turns come back to {@link #free} while a {@link #holdAll} waits for them. */
  private final Condition returned = lock.newCondition();
  /** Requests waiting for a turn, oldest first (guarded by lock). */
  private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
  /** Turns no request holds (guarded by lock). */
  private int free;
  /** Callers of {@link #holdAll} waiting for every turn: ending requests give theirs back, not on (guarded). */
  private int wanted;
  /** Whether an expiry check is scheduled (guarded by lock). */
  private boolean expiryScheduled;

  /**
   * A request waiting for a turn: where it runs, what it runs, its refusal, since when, its logging context
   * (empty: none; null only for a request started at once, whose executor carries its context).
   */
  private record Waiter(Executor executor, Supplier<Runnable> work, Consumer<ServiceException> refused,
      long since, Map<String, String> context) {}

  /**
   * An admission whose work runs on the executor each request is submitted with.
   *
   * @param concurrency requests running at once (>= 1)
   * @param maxQueue requests waiting for a turn (>= 0; 0: refuse whenever every turn is taken)
   * @param maxWaitMillis the longest a request waits for a turn before it is refused (>= 0; 0: refuse
   *     whenever every turn is taken)
   * @param refusals where refusals are counted
   * @throws IllegalArgumentException for a bound out of range
   */
  public Admission(Lane lane, int concurrency, int maxQueue, long maxWaitMillis, AdmissionRefusals refusals) {
    this(lane, concurrency, maxQueue, maxWaitMillis, refusals, null);
  }

  /**
   * As {@link #Admission(Lane, int, int, long, AdmissionRefusals)}, with admitted work run on {@code runOn}
   * (the SQL lane's own threads, below the event loops' priority: ops.ThreadPriority), which must have at
   * least as many threads as the turns of every admission that shares it.
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
    this.refusals = refusals;
    this.runOn = runOn;
    this.free = concurrency;
  }

  /**
   * Runs {@code work} once admitted (on this admission's own threads when it has them, else on
   * {@code executor}), giving its turn back (or on to the oldest waiting request) when it returns; or calls
   * {@code refused} with a 503 {@code overloaded} error: on the caller's thread when the queue is full, else
   * once the request has waited its maximum (on the expiry thread, or on whichever thread next finds it
   * expired). {@code refused} must not block; an exception it throws is logged and otherwise ignored. Never
   * blocks.
   */
  public void submit(Executor executor, Runnable work, Consumer<ServiceException> refused) {
    submit(executor, () -> {
      work.run();
      return NOTHING;
    }, refused);
  }

  private static final Runnable NOTHING = () -> { };

  /**
   * As {@link #submit(Executor, Runnable, Consumer)} for work that ends by answering: {@code work} returns
   * the answer, which runs once the turn is given back or on. A client that sends its next request as soon
   * as it has the answer then never finds the turn of its own previous request still taken.
   */
  public void submit(Executor executor, Supplier<Runnable> work, Consumer<ServiceException> refused) {
    Executor target = runOn == null ? executor : runOn;
    String refusal = null;
    boolean now = false;
    List<Waiter> expired = null;
    List<Waiter> go = null;
    lock.lock();
    try {
      if (free > 0 && waiters.isEmpty() && wanted == 0) {
        free--;
        now = true;
      } else if (waiters.size() >= maxQueue) {
        refusal = "queue";
      } else if (maxWaitNanos == 0) {
        refusal = "wait";
      } else {
        Map<String, String> context = MDC.getCopyOfContextMap();
        waiters.addLast(new Waiter(target, work, refused, System.nanoTime(), context == null ? Map.of() : context));
        if (free > 0 && wanted == 0) { // a turn came free meanwhile: the oldest waiters take it, in order
          expired = new ArrayList<>();
          go = startable(expired);
        }
        scheduleExpiry();
      }
    } finally {
      lock.unlock();
    }
    if (go != null) go.forEach(this::start); // they hold turns: started before anything else can fail
    if (now) start(new Waiter(target, work, refused, 0, null)); // null: the executor carries this thread's
    if (refusal != null) refuse(refused, refusal);
    refuseExpired(expired);
  }

  /**
   * Starts {@code first}, which holds a turn, on its executor, with its logging context (a null context: the
   * one the executor carries from the submitting thread). When an executor refuses (shut down), that request
   * is refused and the turn goes on to the next waiter, in a loop, not a recursion.
   */
  private void start(Waiter first) {
    Waiter w = first;
    while (w != null) {
      Waiter starting = w;
      try {
        starting.executor().execute(() -> {
          Map<String, String> before = starting.context() != null ? swapContext(starting.context()) : null;
          try {
            runHolding(starting.work());
          } finally {
            if (starting.context() != null) swapContext(before);
          }
        });
        return;
      } catch (RejectedExecutionException e) {
        w = takeOrGiveBack();
        refuse(starting, "shutdown");
      }
    }
  }

  /** Runs {@code work} holding a turn, then each waiter the turn is given on to, on this same thread. */
  private void runHolding(Supplier<Runnable> work) {
    Map<String, String> own = MDC.getCopyOfContextMap();
    boolean switched = false;
    try {
      Supplier<Runnable> current = work;
      while (current != null) {
        Runnable answer;
        try {
          answer = current.get();
        } catch (RuntimeException | Error e) {
          giveBack();
          throw e;
        }
        Waiter next = takeOrGiveBack();
        try {
          answer.run();
        } catch (RuntimeException | Error e) {
          if (next != null) start(next); // its turn is taken: it runs elsewhere
          throw e;
        }
        if (next == null) return;
        if (Thread.interrupted()) { // this request's work left the thread interrupted: not the next one's
          start(next); // on a fresh task: a pool shutting down refuses it there
          return;
        }
        switched = true;
        setContext(next.context());
        current = next.work();
      }
    } finally {
      if (switched) setContext(own);
    }
  }

  /**
   * For a request that ends holding a turn: the oldest waiter still within its maximum wait, which now holds
   * the turn, or null when none waits (or a {@link #holdAll} waits): the turn is free again. Waiters found
   * past their maximum wait are refused.
   */
  private Waiter takeOrGiveBack() {
    List<Waiter> expired = null;
    Waiter next = null;
    lock.lock();
    try {
      long now = System.nanoTime();
      while (wanted == 0 && !waiters.isEmpty()) {
        Waiter w = waiters.pollFirst();
        if (now - w.since() >= maxWaitNanos) {
          (expired == null ? expired = new ArrayList<>() : expired).add(w);
        } else {
          next = w;
          break;
        }
      }
      if (next == null) {
        free++;
        if (wanted > 0) returned.signalAll();
      }
    } finally {
      lock.unlock();
    }
    refuseExpired(expired); // never throws: the turn is safe
    return next;
  }

  /** Gives a turn back, or on to the oldest waiter, which then starts on its executor. */
  private void giveBack() {
    Waiter next = takeOrGiveBack();
    if (next != null) start(next);
  }

  /** Under the lock: waiters that free turns can start now, each taking one (none while holdAll waits). */
  private List<Waiter> startable(List<Waiter> expired) {
    List<Waiter> go = new ArrayList<>();
    long now = System.nanoTime();
    while (free > 0 && wanted == 0 && !waiters.isEmpty()) {
      Waiter w = waiters.pollFirst();
      if (now - w.since() >= maxWaitNanos) {
        expired.add(w);
      } else {
        free--;
        go.add(w);
      }
    }
    return go;
  }

  /** Under the lock: makes sure the oldest waiter is refused when its maximum wait ends. */
  private void scheduleExpiry() {
    if (expiryScheduled || waiters.isEmpty()) return;
    long delay = Math.max(0, waiters.peekFirst().since() + maxWaitNanos - System.nanoTime());
    expiryScheduled = true;
    EXPIRY.schedule(this::expire, delay, TimeUnit.NANOSECONDS);
  }

  /** On the expiry thread: refuses the waiters whose maximum wait has ended (the oldest are first). */
  private void expire() {
    List<Waiter> expired = new ArrayList<>();
    lock.lock();
    try {
      expiryScheduled = false;
      long now = System.nanoTime();
      while (!waiters.isEmpty() && now - waiters.peekFirst().since() >= maxWaitNanos) {
        expired.add(waiters.pollFirst());
      }
      scheduleExpiry();
    } finally {
      lock.unlock();
    }
    refuseExpired(expired);
  }

  /** Refuses each waiter found past its maximum wait (null: none). Never throws. */
  private void refuseExpired(List<Waiter> expired) {
    if (expired != null) expired.forEach(w -> refuse(w, "wait"));
  }

  /** Refuses a waiter with its own logging context, then puts back the calling thread's. Never throws. */
  private void refuse(Waiter w, String why) {
    Map<String, String> before = swapContext(w.context());
    try {
      refuse(w.refused(), why);
    } finally {
      swapContext(before);
    }
  }

  /** Counts and reports a refusal. Never throws: a callback's exception is logged. */
  private void refuse(Consumer<ServiceException> refused, String why) {
    try {
      refusals.refused(AdmissionRefusals.Lane.valueOf(lane.name()));
      refused.accept(new ServiceException.Unavailable("overloaded", "the " + lane.name().toLowerCase(
          java.util.Locale.ROOT) + " lane is full (" + describe(why) + "); retry shortly"));
    } catch (RuntimeException | Error e) {
      LOG.warn("{} lane: a refusal could not be delivered", lane.name().toLowerCase(java.util.Locale.ROOT), e);
    }
  }

  private String describe(String why) {
    return switch (why) {
      case "queue" -> concurrency + " running, " + maxQueue + " waiting";
      case "wait" -> "no turn within " + TimeUnit.NANOSECONDS.toMillis(maxWaitNanos) + " ms; " + concurrency
          + " running";
      default -> "shutting down";
    };
  }

  /** Sets the thread's logging context to {@code context} (null or empty: none); returns the one it had. */
  private static Map<String, String> swapContext(Map<String, String> context) {
    Map<String, String> before = MDC.getCopyOfContextMap();
    setContext(context);
    return before;
  }

  private static void setContext(Map<String, String> context) {
    if (context == null || context.isEmpty()) {
      MDC.clear();
    } else {
      MDC.setContextMap(context);
    }
  }

  /** Turns free now (tests, metrics). */
  public int available() {
    lock.lock();
    try {
      return free;
    } finally {
      lock.unlock();
    }
  }

  /** Requests waiting for a turn now. */
  public int waiting() {
    lock.lock();
    try {
      return waiters.size();
    } finally {
      lock.unlock();
    }
  }

  public int concurrency() {
    return concurrency;
  }

  /**
   * Takes every turn at once and returns what gives them back: while held, every request of the lane waits
   * and is then refused. For tests that prove the other lanes do not wait behind this one, and for
   * operators' drills. Blocks until every turn in use is returned (requests ending meanwhile give theirs
   * back rather than on to waiters); a second caller waits until the first gives them back.
   *
   * @throws InterruptedException when interrupted while waiting; nothing is taken then
   */
  public Runnable holdAll() throws InterruptedException {
    lock.lock();
    try {
      wanted++;
      try {
        while (free < concurrency) returned.await();
      } catch (InterruptedException e) {
        wanted--;
        afterTurnsReturned();
        throw e;
      }
      wanted--;
      free = 0;
    } finally {
      lock.unlock();
    }
    return () -> {
      lock.lock();
      try {
        free += concurrency;
        afterTurnsReturned();
      } finally {
        lock.unlock();
      }
    };
  }

  /**
   * Under the lock, after turns came back to {@link #free}: another holdAll waiting takes them; else the
   * waiters that can start do, and those past their maximum wait are refused, both from a virtual thread
   * (not under this lock).
   */
  private void afterTurnsReturned() {
    if (wanted > 0) {
      returned.signalAll();
      return;
    }
    List<Waiter> expired = new ArrayList<>();
    List<Waiter> go = startable(expired);
    if (go.isEmpty() && expired.isEmpty()) return;
    // started from another thread: the lock is held here, and a start may run callbacks
    Thread.ofVirtual().start(() -> {
      go.forEach(this::start);
      refuseExpired(expired);
    });
  }
}
