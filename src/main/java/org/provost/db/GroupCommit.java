package org.provost.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.provost.error.ServiceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Group commit for access writes (grants and revokes): writes that arrive while another group holds the
 * writer lock wait in a queue; one committer thread then runs up to {@link #MAX_GROUP} of them, in arrival
 * order, in ONE transaction that takes the writer lock once and flushes the WAL once. The idea is the
 * database's own group commit (PostgreSQL's {@code commit_delay}, InnoDB's binlog group commit) moved up one
 * level, to where the serialization is: the single writer lock that orders revisions (db.Changelog), which
 * otherwise holds every write for its own BEGIN, lock, statements, COMMIT and WAL flush.
 *
 * <p>Each write sees the ones before it in its group (they share the transaction), answers the revision it
 * recorded, and is answered only once the group has committed. A write that is refused (any
 * {@link ServiceException} thrown before it recorded a change: 4xx, not found) is answered with that refusal
 * and the group goes on without it; it left nothing behind, because a grouped write must do all its checks
 * before its first change ({@link Changelog#record} first among its writes). Anything else (a write refused
 * after recording, an SQL error, which aborts the whole transaction) rolls the group back and runs each of
 * its writes again alone, in arrival order, each in its own transaction: a group can never turn one write's
 * failure into another's. A commit that fails (the connection lost) answers every write of the group 503, as
 * a single write's would be: it may have committed, so none runs again.
 *
 * <p>Rows nothing in the group reads back (audit events) are put off to the group's end and written in one
 * statement ({@link BeforeCommit}). The committer uses a connection pool of its own (one connection), so
 * queued writes hold no connection of the SQL lane while they wait.
 */
public final class GroupCommit implements AutoCloseable {
  /** The most writes committed in one transaction; a longer queue is committed in several. */
  public static final int MAX_GROUP = 64;

  private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);

  private final Database db;
  private final BlockingQueue<Pending<?>> queue = new LinkedBlockingQueue<>();
  private final java.util.concurrent.atomic.AtomicInteger pending = new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.concurrent.atomic.LongAdder groups = new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder grouped = new java.util.concurrent.atomic.LongAdder();
  private final Thread committer;
  private volatile boolean closed;

  /**
   * @param nice how many nice steps below the process the committer thread runs (0 to 19): it runs the
   *     grouped writes' SQL, which yields the cores to the event loops on a saturated machine
   */
  GroupCommit(Database db, int nice) {
    this.db = db;
    this.committer = org.provost.ops.ThreadPriority.lowered("provost-group-commit-", nice)
        .newThread(this::commitLoop);
    committer.start();
  }

  /** One queued write, answered once its group has committed or the write was refused. */
  private static final class Pending<T> {
    final Database.Work<T> work;
    /** The caller's logging context (its request id), so the audit rows and log lines name its request. */
    final java.util.Map<String, String> context = MDC.getCopyOfContextMap();
    final CompletableFuture<Outcome<T>> outcome = new CompletableFuture<>();

    Pending(Database.Work<T> work) {
      this.work = work;
    }
  }

  /** A committed write's result and the highest revision it recorded (0: none); or: run me alone. */
  private record Outcome<T>(T result, long revision, boolean alone) {}

  /**
   * Runs {@code work} in the next group and returns its result once the group has committed, then waits
   * (on the caller's thread) until this instance has applied the revision it recorded, as
   * {@link Database#write} does. Blocks the calling thread (a virtual thread of the SQL lane).
   *
   * @throws ServiceException the write's own refusal, or 503 {@code database_unavailable} as
   *     {@link Database#write} throws it
   */
  <T> T write(Database.Work<T> work) {
    if (closed) return db.write(work);
    Pending<T> mine = new Pending<>(work);
    Outcome<T> outcome;
    pending.incrementAndGet();
    try {
      queue.add(mine);
      // closed meanwhile: the committer may have drained the queue for the last time before this write was
      // in it; a write it did not take runs alone (one it took is answered by it)
      if (closed && queue.remove(mine)) mine.outcome.complete(aloneOutcome());
      outcome = mine.outcome.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServiceException.Unavailable("interrupted", "the write was interrupted; it may have committed");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) throw r;
      if (e.getCause() instanceof Error err) throw err;
      throw new IllegalStateException(e.getCause());
    } finally {
      pending.decrementAndGet();
    }
    if (outcome.alone()) return db.write(work);
    db.afterCommit(outcome.revision());
    return outcome.result();
  }

  private void commitLoop() {
    List<Pending<?>> group = new ArrayList<>(MAX_GROUP);
    while (!closed) {
      try {
        Pending<?> first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) continue;
        group.add(first);
        queue.drainTo(group, MAX_GROUP - 1);
        commit(group);
      } catch (InterruptedException e) {
        // only close() may stop the committer: a stray interrupt would leave every later write waiting
        if (closed) break;
      } catch (Throwable t) { // never let the committer die: every queued write would wait forever
        LOG.error("group commit failed unexpectedly; its writes are answered 503", t);
        ServiceException failed = new ServiceException.Unavailable("write_failed",
            "the write could not be committed; it may or may not have taken effect");
        for (Pending<?> p : group) p.outcome.completeExceptionally(failed);
      } finally {
        group.clear();
      }
    }
    Pending<?> left;
    while ((left = queue.poll()) != null) left.outcome.complete(aloneOutcome());
  }

  @SuppressWarnings("unchecked")
  private static <T> Outcome<T> aloneOutcome() {
    return (Outcome<T>) ALONE;
  }

  private static final Outcome<Object> ALONE = new Outcome<>(null, 0, true);

  /** Runs one group in one transaction; answers each write, or hands them all back to run alone. */
  private void commit(List<Pending<?>> group) {
    // a group of one still runs here, not on its caller's thread: while it holds the lock and commits, the
    // writes arriving meanwhile queue up to form the next group (run alone, each would contend for the
    // lock in PostgreSQL with a commit of its own, as before group commit)
    groups.increment();
    grouped.add(group.size());
    List<Runnable> answers = new ArrayList<>(group.size());
    boolean[] ran = {false};
    try {
      BeforeCommit.begin();
      try {
        db.writeGroup(c -> {
          Changelog.lock(c);
          for (Pending<?> p : group) answers.add(run(c, p));
          BeforeCommit.flush(c);
          ran[0] = true;
          return null;
        });
      } finally {
        BeforeCommit.end();
      }
    } catch (RuntimeException | Error e) {
      if (ran[0]) {
        // the commit itself failed (the connection went away): the group may or may not have committed, so
        // no write may run again; each is answered what a single write would be (503)
        for (Pending<?> p : group) p.outcome.completeExceptionally(e);
        return;
      }
      // nothing of the group committed (an SQL error aborts the whole transaction; a write refused after
      // its first change cannot be taken out of it): each write runs again alone, in arrival order, each in
      // its own transaction, and meets its own fate (run on their callers' threads they would race each
      // other for the lock, and a revoke could overtake the grant or the refusal sent before it)
      LOG.debug("a group of {} writes rolled back ({}); each runs alone, in order", group.size(), e.toString());
      for (Pending<?> p : group) runAlone(p);
      return;
    }
    answers.forEach(Runnable::run);
  }

  /** One write in a transaction of its own, on the committer's connection; answers its caller. */
  private <T> void runAlone(Pending<T> p) {
    long[] revision = {0};
    try {
      if (p.context != null) MDC.setContextMap(p.context);
      T result = db.writeGroup(c -> {
        T r = p.work.run(c);
        revision[0] = Changelog.progress()[1];
        return r;
      });
      p.outcome.complete(new Outcome<>(result, revision[0], false));
    } catch (Throwable t) {
      p.outcome.completeExceptionally(t);
    } finally {
      MDC.clear();
    }
  }

  private static <T> Runnable run(Connection c, Pending<T> p) throws SQLException {
    long[] before = Changelog.progress();
    int putOff = BeforeCommit.count();
    if (p.context != null) MDC.setContextMap(p.context);
    try {
      T result = p.work.run(c);
      long[] after = Changelog.progress();
      long revision = after[0] > before[0] ? after[1] : 0;
      return () -> p.outcome.complete(new Outcome<>(result, revision, false));
    } catch (ServiceException refused) {
      if (Changelog.progress()[0] != before[0] || BeforeCommit.count() != putOff) throw new GroupAborted(refused);
      return () -> p.outcome.completeExceptionally(refused);
    } finally {
      MDC.clear();
    }
  }

  /** A write failed after it recorded a change: the group cannot commit without it. */
  private static final class GroupAborted extends RuntimeException {
    GroupAborted(Throwable cause) {
      super(cause.getMessage(), cause, false, false);
    }
  }

  /** Grouped writes submitted and not yet answered: queued, or in the group being committed. */
  public int pending() {
    return pending.get();
  }

  /** Groups committed (or attempted) since start; with {@link #writes}, the mean group size. */
  public long groups() {
    return groups.sum();
  }

  /** Writes run in groups since start (a write replayed alone after its group rolled back counts once). */
  public long writes() {
    return grouped.sum();
  }

  /**
   * Stops the committer once its current group (if any) is committed, waiting at most 5 s for it; writes
   * still queued then, or arriving later, run alone on their callers' threads.
   */
  @Override
  public void close() {
    // no interrupt: a group being committed finishes (an interrupt would fail it, in the pool or the driver);
    // the committer sees the flag within its 100 ms poll
    closed = true;
    try {
      committer.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Pending<?> left;
    while ((left = queue.poll()) != null) left.outcome.complete(aloneOutcome());
  }
}
