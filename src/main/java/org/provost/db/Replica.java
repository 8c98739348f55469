package org.provost.db;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Properties;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A streaming read replica and what is known about it: reachable or not, and how far it trails the primary.
 *
 * <p>Positions are WAL locations in bytes ({@code pg_lsn - '0/0'}). A monitor samples the primary's
 * {@code pg_current_wal_lsn()} and the replica's {@code pg_last_wal_replay_lsn()} every
 * {@value #SAMPLE_MILLIS} ms; the replica is <em>lagging</em> when it has not yet replayed what the primary
 * had written {@code maxLag} ago. A lagging or unreachable replica serves no reads.
 */
final class Replica implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Replica.class);
  static final long SAMPLE_MILLIS = 100;
  static final String REPLAYED = "SELECT pg_last_wal_replay_lsn() - '0/0'::pg_lsn";
  static final String WRITTEN = "SELECT pg_current_wal_lsn() - '0/0'::pg_lsn";

  private final HikariDataSource pool;
  private final DataSource primary;
  private final Reachability reachability;
  private final long maxLagMillis;
  private final ArrayDeque<long[]> primarySamples = new ArrayDeque<>(); // {millis, lsn}, monitor thread only
  private final Thread monitor;
  private volatile boolean lagging;
  private volatile boolean closed;

  Replica(HikariDataSource pool, DataSource primary, Duration maxLag) {
    this.pool = pool;
    this.primary = primary;
    this.maxLagMillis = maxLag.toMillis();
    Properties credentials = new Properties();
    if (pool.getUsername() != null) credentials.setProperty("user", pool.getUsername());
    if (pool.getPassword() != null) credentials.setProperty("password", pool.getPassword());
    this.reachability = new Reachability(pool.getPoolName(), "reads go to the primary",
        pool.getJdbcUrl(), credentials);
    this.monitor = Thread.ofVirtual().name("provost-replica-monitor").start(this::monitor);
  }

  HikariDataSource pool() {
    return pool;
  }

  Reachability reachability() {
    return reachability;
  }

  /** True when the replica is reachable and not lagging, as of the last sample. */
  boolean usable() {
    return !reachability.isDown() && !lagging;
  }

  /** On a replica connection: true when it has replayed WAL up to {@code lsn} (0: nothing required). */
  static boolean replayed(Connection c, long lsn) throws SQLException {
    if (lsn <= 0) return true;
    return position(c, REPLAYED) >= lsn;
  }

  /** The WAL position {@code sql} reads, in bytes; 0 when the server has none (not a replica). */
  static long position(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1); // a NULL position reads as 0
    }
  }

  private void monitor() {
    while (!closed) {
      try {
        Thread.sleep(SAMPLE_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
      long now = System.currentTimeMillis();
      try (Connection c = primary.getConnection()) {
        primarySamples.addLast(new long[] {now, position(c, WRITTEN)});
      } catch (SQLException | RuntimeException e) {
        // the primary's own failures are the request path's business; keep the last samples
      }
      if (reachability.isDown()) continue;
      try (Connection c = pool.getConnection()) {
        long replayed = position(c, REPLAYED);
        boolean behind = behind(now, replayed);
        if (behind != lagging) {
          LOG.warn("read replica {}: reads {}", behind ? "lags more than " + maxLagMillis + " ms" : "caught up",
              behind ? "go to the primary" : "go to the replica again");
        }
        lagging = behind;
      } catch (SQLException | RuntimeException e) {
        if (Reachability.isConnectionFailure(e)) reachability.failed(e);
      }
    }
  }

  /** True when {@code replayed} is short of what the primary had written {@code maxLag} before {@code now}. */
  private boolean behind(long now, long replayed) {
    long horizon = now - maxLagMillis;
    while (primarySamples.size() > 1 && secondTime() <= horizon) primarySamples.removeFirst();
    long[] oldest = primarySamples.peekFirst();
    return oldest != null && oldest[0] <= horizon && replayed < oldest[1];
  }

  private long secondTime() {
    var it = primarySamples.iterator();
    it.next();
    return it.next()[0];
  }

  @Override
  public void close() {
    closed = true;
    monitor.interrupt();
    reachability.close();
    pool.close();
  }
}
