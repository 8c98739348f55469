package org.provost.db;

import java.net.ConnectException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.provost.error.ServiceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether one PostgreSQL server answers, so that a request does not wait for a server that is known to be
 * gone. A connection failure marks the server down; from then on {@link #requireUp} fails at once with
 * {@code database_unavailable} (503) instead of waiting for the pool's 3 s connection timeout, and a
 * background probe reconnects every {@value #PROBE_MILLIS} ms, marking it up again on its first success.
 */
final class Reachability implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Reachability.class);
  static final long PROBE_MILLIS = 250;

  private final String name;
  private final String consequence;
  private final String jdbcUrl;
  private final Properties credentials;
  private final AtomicBoolean probing = new AtomicBoolean();
  private volatile boolean down;
  private volatile long downSinceMillis;
  private volatile boolean closed;

  /**
   * {@code consequence}: what being down means, for the log ("writes answer 503 ..."); {@code credentials}:
   * user and password for the probe's own connections (may be empty).
   */
  Reachability(String name, String consequence, String jdbcUrl, Properties credentials) {
    this.name = name;
    this.consequence = consequence;
    this.jdbcUrl = jdbcUrl;
    this.credentials = credentials;
  }

  boolean isDown() {
    return down;
  }

  /** Throws {@code database_unavailable} when the server is known to be unreachable; else returns. */
  void requireUp() {
    if (down) throw unavailable();
  }

  /** True when {@code e} (or a cause) means the server could not be reached, not that a statement failed. */
  static boolean isConnectionFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectException) return true;
      if (t instanceof SQLException s && !(t instanceof SQLTransientConnectionException)) {
        String state = s.getSQLState();
        if (state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P03"))) return true;
      }
      if (t.getCause() == t) break;
    }
    return false;
  }

  /** Records a connection failure: marks the server down and starts the probe (once). */
  void failed(Throwable cause) {
    if (!down) {
      downSinceMillis = System.currentTimeMillis();
      down = true;
      LOG.warn("{}: PostgreSQL unreachable ({}); {} until it returns", name, cause.getMessage(), consequence);
    }
    if (probing.compareAndSet(false, true)) Thread.ofVirtual().name(name + "-probe").start(this::probe);
  }

  ServiceException.Unavailable unavailable() {
    return new ServiceException.Unavailable("database_unavailable",
        "the database is unreachable; retry shortly");
  }

  private void probe() {
    Properties props = new Properties();
    props.putAll(credentials);
    props.setProperty("connectTimeout", "1");
    props.setProperty("socketTimeout", "2");
    props.setProperty("ApplicationName", "provost-probe");
    while (!closed) {
      try {
        Thread.sleep(PROBE_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
      try (Connection c = DriverManager.getConnection(jdbcUrl, props); var st = c.createStatement()) {
        st.execute("SELECT 1");
        down = false;
        probing.set(false);
        LOG.warn("{}: PostgreSQL reachable again after {} ms", name, System.currentTimeMillis() - downSinceMillis);
        // a failure recorded while this probe was finishing found it still running: keep probing for it
        if (!down || !probing.compareAndSet(false, true)) return;
      } catch (SQLException e) {
        // still down: try again after the pause
      }
    }
  }

  @Override
  public void close() {
    closed = true;
  }
}
