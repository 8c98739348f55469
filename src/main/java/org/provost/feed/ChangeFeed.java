package org.provost.feed;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.provost.db.Changelog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies committed changes, in revision order, to every listener of this instance. Woken by
 * LISTEN/NOTIFY; also polls, so a lost notification or a dropped connection only delays a change by
 * one poll interval. Reconnects by itself. {@link #wake} is a second, faster path (Redis pub/sub): a revision
 * published by another instance is read at once through a pooled connection, beside LISTEN, never instead.
 */
public final class ChangeFeed implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ChangeFeed.class);
  /** Revisions one read spans at most, from the first one after the applied revision. */
  static final int BATCH_SPAN = 10_000;
  /**
   * The changes after the applied revision (bound to both {@code ?}), at most {@link #BATCH_SPAN} revisions from
   * the first of them, each with the changelog's last revision (whether a further window holds more). The
   * window is bounded on both sides so that even a generic plan, whose estimate knows no parameter, reads the
   * primary key's range: the open form {@code revision > ? ORDER BY revision LIMIT n}
   * was planned as a sequential scan and sort of the whole changelog whenever the statistics were older than
   * the table (PostgreSQL keeps one plan for a statement after five runs). The changelog only grows, and this
   * runs at every poll, NOTIFY and wake of every instance. A gap in revisions (a rolled-back number) never
   * stops a read: the window starts at the first revision that exists.
   */
  static final String SELECT = """
      SELECT %s, (SELECT max(revision) FROM changelog) FROM changelog
      WHERE revision > ? AND revision < (SELECT min(revision) FROM changelog WHERE revision > ?) + %d
      ORDER BY revision""".formatted(Change.COLUMNS, BATCH_SPAN);

  private final Connector connector;
  private final int pollMillis;
  private final List<Consumer<List<Change>>> listeners = new CopyOnWriteArrayList<>();
  private final RevisionWait appliedWait = new RevisionWait();
  /** Held while a batch is read and applied: the feed's thread and {@link #wake} never apply out of order. */
  private final Object drainLock = new Object();
  private final java.util.concurrent.atomic.AtomicBoolean waking = new java.util.concurrent.atomic.AtomicBoolean();
  private final java.util.concurrent.atomic.LongAdder wakes = new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder heard = new java.util.concurrent.atomic.LongAdder();
  private volatile Connector wakeConnector;
  /**
   * Runs the wakes: one platform thread, created by the first wake's caller (Redis's I/O thread) and kept
   * while wakes come, never a virtual thread. A carrier may have been created by a lowered thread of the SQL
   * or hash lane (ops.ThreadPriority), and a wake releases checks waiting for {@code at_least_revision}.
   */
  private final java.util.concurrent.ThreadPoolExecutor waker = new java.util.concurrent.ThreadPoolExecutor(0, 1,
      30, java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(),
      Thread.ofPlatform().daemon().name("provost-change-feed-wake").factory());
  private volatile long applied;
  private volatile boolean running = true;
  private Thread thread;

  /** Opens the feed's own connection (not a pooled one: LISTEN belongs to one session). */
  @FunctionalInterface
  public interface Connector {
    Connection open() throws SQLException;
  }

  public ChangeFeed(Connector connector, long startRevision, int pollMillis) {
    this.connector = connector;
    this.applied = startRevision;
    this.pollMillis = pollMillis;
  }

  /** Listeners get each batch of changes on the feed's thread, after earlier batches. */
  public void subscribe(Consumer<List<Change>> listener) {
    listeners.add(listener);
  }

  public ChangeFeed start() {
    thread = Thread.ofPlatform().daemon().name("provost-change-feed").start(this::run);
    return this;
  }

  /** Lets {@link #wake} read through {@code pooled} (a pool's connection; LISTEN is not needed for it). */
  public void wakeWith(Connector pooled) {
    this.wakeConnector = pooled;
  }

  /**
   * Another instance committed {@code revision} (told by Redis pub/sub): unless it is applied already, reads
   * and applies the new changes now, on the wake thread, rather than at the next NOTIFY or poll. Several
   * wakes while one runs make one more read. Never blocks; a failure only leaves the work to the poll.
   */
  public void wake(long revision) {
    heard.increment();
    Connector pooled = wakeConnector;
    if (pooled == null || !running || revision <= applied || !waking.compareAndSet(false, true)) return;
    wakes.increment();
    try {
      waker.execute(() -> {
        waking.set(false);
        try (Connection c = pooled.open()) {
          drain(c);
        } catch (SQLException | RuntimeException e) {
          LOG.debug("change feed: a wake could not read ({}); the poll will", e.getMessage());
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException closed) {
      waking.set(false); // closing: the feed stops anyway
    }
  }

  /**
   * How many revisions other instances published reached this feed ({@link #wake} calls), whether or not
   * they still had anything to read: NOTIFY, racing the same commit, often applies it first.
   */
  public long heard() {
    return heard.sum();
  }

  /** How many wakes read the changelog ahead of the feed's own LISTEN and poll. */
  public long wakes() {
    return wakes.sum();
  }

  /** The last revision every listener of this instance has applied. */
  public long applied() {
    return applied;
  }

  /**
   * Blocks (on a virtual thread, never on the event loop) until every listener has applied
   * {@code revision}, or {@code maxMillis} pass. Returns whether it was applied. The NOTIFY of the commit
   * normally wakes the feed within a millisecond or two.
   */
  public boolean awaitApplied(long revision, long maxMillis) {
    return appliedWait.await(() -> applied >= revision, () -> running, maxMillis);
  }

  private void run() {
    while (running) {
      try (Connection c = connector.open()) {
        try (Statement st = c.createStatement()) {
          st.execute("LISTEN " + Changelog.CHANNEL);
        }
        PGConnection pg = c.unwrap(PGConnection.class);
        boolean read = true;
        while (running) {
          if (read) drain(c);
          read = news(pg.getNotifications(pollMillis));
        }
      } catch (SQLException e) {
        if (!running) return;
        LOG.warn("change feed lost its connection ({}); retrying in 1 s", e.getMessage());
        sleepQuietly(1000);
      }
    }
  }

  /**
   * Whether to read after a wait that ended with {@code notices}: at a poll (none came), or when one names
   * a revision not applied yet. A change another instance committed usually reaches this instance twice, by
   * Redis ({@link #wake}) and by NOTIFY; the second to arrive finds it applied and costs no read (it cost one
   * round trip per commit per instance). A payload that is not a revision reads, as before.
   */
  private boolean news(org.postgresql.PGNotification[] notices) {
    if (notices == null || notices.length == 0) return true;
    for (org.postgresql.PGNotification n : notices) {
      try {
        if (Long.parseLong(n.getParameter()) > applied) return true;
      } catch (NumberFormatException e) {
        return true;
      }
    }
    return false;
  }

  /** Reads and applies windows of changes until none is left that was committed when the last read began. */
  private void drain(Connection c) throws SQLException {
    synchronized (drainLock) {
      while (running && drainLocked(c)) {
        // more was committed beyond this window (a backlog, or a gap of BATCH_SPAN revisions): read on now
        // rather than at the next NOTIFY or poll
      }
    }
  }

  /** One window; true when the changelog held revisions beyond it as that read saw it. */
  private boolean drainLocked(Connection c) throws SQLException {
    List<Change> batch = new ArrayList<>();
    long head = 0;
    try (PreparedStatement ps = c.prepareStatement(SELECT)) {
      ps.setLong(1, applied);
      ps.setLong(2, applied);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          batch.add(Change.fromRow(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
              rs.getLong(5)));
          head = rs.getLong(6);
        }
      }
    }
    if (batch.isEmpty()) return false;
    for (Consumer<List<Change>> listener : listeners) {
      try {
        listener.accept(batch);
      } catch (RuntimeException e) {
        // not applied means not skipped: the batch is retried after a pause (listeners are idempotent)
        LOG.error("change feed listener failed on revisions {}..{}; retrying", batch.getFirst().revision(),
            batch.getLast().revision(), e);
        sleepQuietly(Math.min(1000, pollMillis));
        return false;
      }
    }
    applied = batch.getLast().revision();
    appliedWait.signal();
    return head > applied;
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    running = false;
    waker.shutdown();
    appliedWait.signal();
    if (thread != null) {
      thread.interrupt();
      try {
        thread.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
