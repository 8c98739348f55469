package org.provost.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;
import org.provost.config.Config;
import org.provost.error.ServiceException;

/**
 * The connection pools (primary, and a read replica when configured) and the transaction boundary.
 * Every SQL call of the service goes through {@link #write} or {@link #read}; both must be called off the
 * event loop.
 *
 * <p>When the primary is known to be unreachable, calls fail at once with 503 {@code database_unavailable}
 * (see {@link Reachability}) rather than waiting for a connection. With a replica, {@link #read} serves
 * from it only when it is reachable, not lagging more than {@code PROVOST_DATABASE_REPLICA_MAX_LAG}, and has
 * replayed every write this instance has committed (read-your-writes); otherwise from the primary.
 */
public final class Database implements AutoCloseable {
  private final HikariDataSource primary;
  /** The memory lane's own small pool on the primary, for cache fills: never waits behind the SQL lane. */
  private final HikariDataSource fill;
  /** The group committer's own one-connection pool (opened on first use), and the committer itself. */
  private HikariDataSource writer;
  private GroupCommit groupCommit;
  /** Nice steps below the process for the group committer's thread (Config.Lanes#nice). */
  private final int laneNice;
  private final Reachability primaryReachability;
  private final Replica replica;
  private final String directUrl;
  private final AutoCloseable embedded;
  private final StatementCounter statements = new StatementCounter();
  /** Called after a write transaction that recorded a change commits; see {@link #onCommit}. */
  private volatile java.util.function.LongConsumer committed = revision -> { };
  private volatile QueryObserver queries = QueryObserver.NONE;
  private final java.util.concurrent.atomic.AtomicLong lastWriteLsn = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.LongAdder replicaReads = new java.util.concurrent.atomic.LongAdder();
  static final String NO_JIT = "SET jit = off";
  /**
   * Plans each prepared statement once, for all its executions ({@code plan_cache_mode}; PostgreSQL manual,
   * "PREPARE", on generic and custom plans). Set on the connections whose statements all reach their rows
   * through a key, with at most range filters on the rows found: the authorization index's (its batch load,
   * {@code unnest(?::bigint[])}) and the group committer's (grants, revokes and their audit rows). By default
   * PostgreSQL compares a generic plan's cost with the custom plans' it made for the first five executions,
   * and it assumes a parameter array holds 10 elements where a custom plan sees the 1 or 2 a feed batch
   * holds, so it planned those statements again at every execution: 0.31-0.41 ms of planning for 0.04-0.12 ms
   * of execution, 37% of PostgreSQL's statement time under the two-instance mix (docs/PERFORMANCE.md,
   * "Statements planned once"). The generic plan is the custom plan of a small batch (index lookups in a
   * nested loop); for the 10,000 ids of a feed catching up after a restart, where a custom plan hashes two
   * full scans, it takes about twice as long (24 ms against 12 ms on the seeded 13,500 users), once. Not for
   * connections that run searches or range scans, whose best plan depends on the values.
   */
  static final String GENERIC_PLANS = "SET plan_cache_mode = force_generic_plan";
  /** A session of key lookups: no JIT, each statement planned once. */
  private static final String KEY_LOOKUPS = NO_JIT + "; " + GENERIC_PLANS;

  /**
   * Whether the primary URL names a pooler (pgbouncer): the direct URL, the address a session of its own
   * goes to, is another. In transaction mode a pooler hands one client's statements to several server
   * connections, so nothing that lives in a session (a named statement, a SET) may be relied on there.
   */
  private static boolean pooled(String jdbcUrl, String directJdbcUrl) {
    return !jdbcUrl.equals(directJdbcUrl);
  }
  private static final Object NOT_REPLAYED = new Object();

  private Database(HikariDataSource primary, HikariDataSource replica, String directUrl, Config config,
      AutoCloseable embedded) {
    this.primary = primary;
    this.fill = fillPool(primary, config);
    this.laneNice = config.lanes().nice();
    java.util.Properties credentials = new java.util.Properties();
    if (primary.getUsername() != null) credentials.setProperty("user", primary.getUsername());
    if (primary.getPassword() != null) credentials.setProperty("password", primary.getPassword());
    this.primaryReachability = new Reachability("provost-primary",
        "calls that need it answer 503 database_unavailable", primary.getJdbcUrl(), credentials);
    this.replica = replica == null ? null : new Replica(replica, primary, config.topology().replicaMaxLag());
    this.directUrl = directUrl;
    this.embedded = embedded;
  }

  /** Opens the configured database, or starts the embedded one when no URL is configured ({@code serve}). */
  public static Database open(Config config) {
    return open(config, "serve", false);
  }

  /**
   * Opens the configured database for the command {@code verb}. Without PROVOST_DATABASE_URL this starts the
   * embedded PostgreSQL, or with {@code mayShare} uses the one a running {@code provost serve} started.
   * Throws {@link org.provost.config.StartupException} naming the setting and the fix when it cannot.
   */
  public static Database open(Config config, String verb, boolean mayShare) {
    if (config.databaseUrl().isPresent()) {
      String url = JdbcUrls.toJdbc(config.databaseUrl().get(), "PROVOST_DATABASE_URL");
      DatabaseProbe.check(url, "PROVOST_DATABASE_URL", config);
      String replicaUrl = config.replicaUrl().map(r -> JdbcUrls.toJdbc(r, "PROVOST_DATABASE_REPLICA_URL"))
          .orElse(null);
      if (replicaUrl != null) DatabaseProbe.check(replicaUrl, "PROVOST_DATABASE_REPLICA_URL", config);
      String direct = config.topology().directUrl()
          .map(d -> JdbcUrls.toJdbc(d, "PROVOST_DATABASE_DIRECT_URL")).orElse(url);
      return connect(url, replicaUrl, direct, config);
    }
    EmbeddedPostgresServer server = EmbeddedPostgresServer.start(config.dataDir(), verb, mayShare);
    try {
      HikariConfig hc = poolConfig("provost-primary", server.jdbcUrl(), config, false, "5");
      hc.setUsername(EmbeddedPostgresServer.USER);
      hc.setPassword(server.password());
      return new Database(new HikariDataSource(hc), null, server.jdbcUrl(), config, server);
    } catch (RuntimeException e) {
      try {
        server.close();
      } catch (java.io.IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /** For tests and tools that already have a JDBC URL. */
  public static Database connect(String jdbcUrl, Config config) {
    return connect(jdbcUrl, null, jdbcUrl, config);
  }

  /**
   * For tests and tools: the primary's JDBC URL, a replica's (null: none), and the URL the change feed's
   * long-lived LISTEN session uses (the primary's own address when the primary URL names a pooler).
   */
  public static Database connect(String jdbcUrl, String replicaJdbcUrl, String directJdbcUrl, Config config) {
    HikariDataSource replica = replicaJdbcUrl == null ? null : pool("provost-replica", replicaJdbcUrl, config, true, "5");
    // a direct URL of its own means the primary URL names a pooler (pgbouncer): in transaction mode a
    // statement prepared on one server connection is unknown on the next (pgbouncer < 1.21 cannot track
    // them), so statements stay unnamed; prepareThreshold in the URL itself overrides this
    String prepareThreshold = pooled(jdbcUrl, directJdbcUrl) ? "0" : "5";
    HikariDataSource primary = pool("provost-primary", jdbcUrl, config, false, prepareThreshold);
    return new Database(primary, replica, directJdbcUrl, config, null);
  }

  /**
   * The fill pool: {@code PROVOST_DB_FILL_POOL_SIZE} connections to the primary, opened on demand, for the
   * memory lane's cache misses (a token or API key this instance has not seen, a {@code /v1/me} body to
   * build). Its requests wait at most 1 s for a connection (behind other fills only, never behind the SQL
   * lane: after a role change every {@code /v1/me} body is rebuilt at once), then answer 503.
   */
  private static HikariDataSource fillPool(HikariDataSource primary, Config config) {
    HikariConfig hc = new HikariConfig();
    primary.copyStateTo(hc);
    hc.setPoolName("provost-fill");
    hc.setMinimumIdle(Math.min(1, config.lanes().fillPoolSize()));
    hc.setMaximumPoolSize(config.lanes().fillPoolSize());
    // a burst of first sights (every token is new to an instance after a deploy) queues here briefly rather
    // than answering 503: 250 ms refused about 8% of such a burst on 2 connections (review, 300 tokens)
    hc.setConnectionTimeout(1_000);
    hc.setInitializationFailTimeout(-1); // the primary pool has already proven the database reachable
    return new HikariDataSource(hc);
  }

  private static HikariDataSource pool(String name, String jdbcUrl, Config config, boolean readOnly,
      String prepareThreshold) {
    return new HikariDataSource(poolConfig(name, jdbcUrl, config, readOnly, prepareThreshold));
  }

  private static HikariConfig poolConfig(String name, String jdbcUrl, Config config, boolean readOnly,
      String prepareThreshold) {
    HikariConfig hc = new HikariConfig();
    hc.setPoolName(name);
    hc.setJdbcUrl(jdbcUrl);
    config.databaseUser().ifPresent(hc::setUsername);
    config.databasePassword().ifPresent(hc::setPassword);
    hc.setMinimumIdle(config.poolMinIdle());
    hc.setMaximumPoolSize(config.poolMaxSize());
    hc.setReadOnly(readOnly);
    // PostgreSQL's JIT compiles a query when its estimated cost is high; for Provost's small, frequent
    // queries that is hundreds of milliseconds of LLVM work per execution (measured: 358 ms to compile a
    // 1 ms query), which under load starves the whole server
    hc.setConnectionInitSql(NO_JIT);
    // a request that cannot get a connection soon answers 503 rather than hanging behind a queue
    hc.setConnectionTimeout(3_000);
    hc.setInitializationFailTimeout(15_000);
    hc.addDataSourceProperty("prepareThreshold", System.getProperty("provost.prepareThreshold", prepareThreshold));
    hc.addDataSourceProperty("reWriteBatchedInserts", "true");
    hc.addDataSourceProperty("ApplicationName", "provost");
    return hc;
  }

  /** A connection outside the pool, for a long-lived session such as LISTEN. The caller closes it. */
  public Connection openDedicated() throws SQLException {
    return openDedicated(false);
  }

  /**
   * A connection outside the pool, to the primary's direct address ({@code PROVOST_DATABASE_DIRECT_URL}, else
   * the primary URL: never through a pooler), with PostgreSQL's JIT off. With {@code genericPlans}, each
   * statement prepared on it is planned once ({@code plan_cache_mode = force_generic_plan}): only for a
   * connection whose statements all reach their rows by key. The caller closes it.
   *
   * @throws SQLException when the connection or its settings fail (nothing is left open then)
   */
  public Connection openDedicated(boolean genericPlans) throws SQLException {
    java.util.Properties props = new java.util.Properties();
    if (primary.getUsername() != null) props.setProperty("user", primary.getUsername());
    if (primary.getPassword() != null) props.setProperty("password", primary.getPassword());
    props.setProperty("ApplicationName", "provost-feed");
    props.setProperty("tcpKeepAlive", "true");
    // pgbouncer in transaction mode would hand LISTEN's session to other clients: the feed goes direct
    Connection c = java.sql.DriverManager.getConnection(directUrl, props);
    try (var st = c.createStatement()) {
      st.execute(genericPlans ? KEY_LOOKUPS : NO_JIT);
    } catch (SQLException e) {
      try {
        c.close();
      } catch (SQLException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    return c;
  }

  public DataSource primary() {
    return primary;
  }

  /**
   * The primary by its direct address ({@code PROVOST_DATABASE_DIRECT_URL}, else the primary URL), with no
   * pool: for session-level work a transaction-mode pooler cannot carry, such as migrations. Each
   * {@code getConnection} opens a new connection, which the caller closes.
   */
  public DataSource direct() {
    org.postgresql.ds.PGSimpleDataSource ds = new org.postgresql.ds.PGSimpleDataSource();
    ds.setURL(directUrl);
    if (primary.getUsername() != null) ds.setUser(primary.getUsername());
    if (primary.getPassword() != null) ds.setPassword(primary.getPassword());
    ds.setApplicationName("provost-direct");
    return ds;
  }

  public Optional<DataSource> replica() {
    return Optional.ofNullable(replica).map(Replica::pool);
  }

  /** How many {@link #read} calls the replica has served since start (a counter for metrics). */
  public long replicaReads() {
    return replicaReads.sum();
  }

  /**
   * Runs {@code work} in one transaction on the primary: committed if it returns, rolled back if it throws.
   * Throws 503 {@code database_unavailable} at once when the primary is known to be unreachable. When the
   * transaction recorded a change ({@link Changelog#record}), the {@link #onCommit} hook runs after the
   * commit and before this returns: the service uses it to wait until its own instance has applied the
   * change, so a revoke or deactivation holds on the instance that answers before the answer is sent.
   */
  public <T> T write(Work<T> work) {
    Changelog.Tx outer = Changelog.beginTracking();
    T result;
    long recorded;
    try {
      result = commit(work);
    } finally {
      recorded = Changelog.endTracking(outer);
    }
    if (recorded > 0) committed.accept(recorded);
    return result;
  }

  /**
   * Runs {@code work} as {@link #write} does, but committed together with the other grouped writes waiting
   * at the same moment: one transaction, one writer lock, one WAL flush for the whole group
   * ({@link GroupCommit}, which states what a grouped work may and may not do: all its checks before its
   * first change). It sees the group's earlier writes, and returns once its group has committed and this
   * instance has applied its change. For grants and revokes, the writes that come in bursts.
   *
   * @throws ServiceException the work's own refusal, or 503 {@code database_unavailable}
   */
  public <T> T writeGrouped(Work<T> work) {
    return groupCommit().write(work);
  }

  /** The group committer of {@link #writeGrouped} (started on first use): its queue and its counts. */
  public GroupCommit groupCommit() {
    GroupCommit group;
    synchronized (this) {
      if (groupCommit == null) {
        HikariConfig hc = new HikariConfig();
        primary.copyStateTo(hc);
        hc.setPoolName("provost-writer");
        // grants, revokes and their audit rows: key lookups. Not through a pooler (pgbouncer in transaction
        // mode): there statements are unnamed, so the setting would change nothing, and a session's SET would
        // stay on a server connection other clients (searches) are handed next.
        if (!pooled(primary.getJdbcUrl(), directUrl)) hc.setConnectionInitSql(KEY_LOOKUPS);
        hc.setMinimumIdle(1);
        hc.setMaximumPoolSize(1);
        hc.setInitializationFailTimeout(-1); // the primary pool has already proven the database reachable
        writer = new HikariDataSource(hc);
        groupCommit = new GroupCommit(this, laneNice);
      }
      group = groupCommit;
    }
    return group;
  }

  /** One group of {@link GroupCommit}: a write transaction on the committer's own connection. */
  <T> T writeGroup(Work<T> work) {
    Changelog.Tx outer = Changelog.beginTracking();
    try {
      return commit(writer, work);
    } finally {
      Changelog.endTracking(outer);
    }
  }

  /** What {@link #write} does after its commit, for a grouped write: waits until revision is applied here. */
  void afterCommit(long revision) {
    if (revision > 0) committed.accept(revision);
  }

  private <T> T commit(Work<T> work) {
    return commit(primary, work);
  }

  private <T> T commit(DataSource pool, Work<T> work) {
    if (replica == null) return inTransaction(pool, primaryReachability, work);
    return inTransaction(pool, primaryReachability, c -> {
      T result = work.run(c);
      c.commit();
      // the position after the commit (read in a second, empty transaction): a replica that has replayed
      // this far shows the write
      long lsn = Replica.position(c, Replica.WRITTEN);
      lastWriteLsn.accumulateAndGet(lsn, Math::max);
      return result;
    });
  }

  /**
   * Sets what runs after a write that recorded revision {@code r} has committed (on the writing thread).
   * The default does nothing (one-shot tools have no change feed).
   */
  public void onCommit(java.util.function.LongConsumer hook) {
    this.committed = hook;
  }

  /** Statements issued through {@link #write}, {@link #read} and {@link #readPrimary}. */
  public StatementCounter statements() {
    return statements;
  }

  /** Reports every statement {@link Jdbc} runs through {@link #write}, {@link #read} or {@link #readPrimary}. */
  public void observeQueries(QueryObserver observer) {
    this.queries = observer;
  }

  /**
   * Publishes HikariCP's pool metrics ({@code hikaricp_connections_active}, {@code _idle}, {@code _pending},
   * {@code _timeout_total}, {@code _acquire_seconds}, ... tagged {@code pool="provost-primary"} or
   * {@code "provost-replica"}) to {@code registry}. Once per database.
   */
  public void bindPoolMetrics(io.micrometer.core.instrument.MeterRegistry registry) {
    primary.setMetricRegistry(registry);
    fill.setMetricRegistry(registry);
    if (replica != null) replica.pool().setMetricRegistry(registry);
  }

  /**
   * Runs read-only {@code work} on the replica when it may serve it (reachable, not lagging, has replayed
   * this instance's last write), else on the primary. A replica that fails to connect mid-call is marked
   * down and the work runs again on the primary: callers see no error from the replica.
   */
  @SuppressWarnings("unchecked")
  public <T> T read(Work<T> work) {
    if (replica != null && replica.usable()) {
      long needed = lastWriteLsn.get();
      try {
        Object result = inTransaction(replica.pool(), replica.reachability(),
            c -> Replica.replayed(c, needed) ? work.run(c) : NOT_REPLAYED);
        if (result != NOT_REPLAYED) {
          replicaReads.increment();
          return (T) result;
        }
      } catch (ServiceException.Unavailable e) {
        // the replica went away: the primary answers instead
      }
    }
    return inTransaction(primary, primaryReachability, work);
  }

  /**
   * A read for the memory lane's cache fills (session and API-key loads, {@code /v1/me} bodies): on the
   * primary (read-your-writes) through the fill pool, never on a connection the SQL lane could be holding.
   * Throws 503 {@code database_busy} when no fill connection is free within 1 s.
   */
  public <T> T fill(Work<T> work) {
    return inTransaction(fill, primaryReachability, work);
  }

  /**
   * A read of ONE statement, outside a transaction (autocommit): one round trip, where {@link #read} also
   * sends COMMIT. With a replica configured it is {@link #read}. For multi-statement reads use {@link #read}.
   */
  public <T> T query(Work<T> work) {
    if (replica != null) return read(work);
    primaryReachability.requireUp();
    try (Connection c = statements.wrap(primary.getConnection(), queries)) {
      return work.run(c);
    } catch (SQLException e) {
      RuntimeException t = translate(e);
      if (t instanceof ConnectionFailure) {
        primaryReachability.failed(e);
        throw primaryReachability.unavailable();
      }
      throw t;
    }
  }

  /** Reads that must see the latest committed writes (read-your-writes), always on the primary. */
  public <T> T readPrimary(Work<T> work) {
    return inTransaction(primary, primaryReachability, work);
  }

  private <T> T inTransaction(DataSource source, Reachability reachability, Work<T> work) {
    reachability.requireUp();
    try {
      return inTransaction(source, work);
    } catch (ServiceException.Unavailable e) {
      throw e;
    } catch (RuntimeException e) {
      if (e.getCause() != null && Reachability.isConnectionFailure(e.getCause())) {
        reachability.failed(e.getCause());
        throw reachability.unavailable();
      }
      throw e;
    }
  }

  private <T> T inTransaction(DataSource source, Work<T> work) {
    try (Connection c = statements.wrap(source.getConnection(), queries)) {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException e) {
        rollbackQuietly(c, e);
        throw translate(e);
      } catch (RuntimeException | Error e) {
        rollbackQuietly(c, e);
        throw e;
      }
    } catch (SQLException e) {
      throw translate(e);
    }
  }

  /** A connection failure keeps its cause so that the caller can mark the server down. */
  private static RuntimeException translate(SQLException e) {
    return Reachability.isConnectionFailure(e) ? new ConnectionFailure(e) : SqlErrors.translate(e);
  }

  private static final class ConnectionFailure extends RuntimeException {
    ConnectionFailure(SQLException cause) {
      super(cause.getMessage(), cause);
    }
  }

  private static void rollbackQuietly(Connection c, Throwable cause) {
    try {
      c.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  /**
   * True when the primary answers a trivial query, asked through the fill pool: a request pool held full by
   * SQL work is overload, not an unreachable primary.
   */
  public boolean primaryReachable() {
    if (primaryReachability.isDown()) return false;
    try (Connection c = fill.getConnection(); var st = c.createStatement()) {
      st.setQueryTimeout(2);
      return st.execute("SELECT 1");
    } catch (SQLException | ServiceException e) {
      return false;
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      if (groupCommit != null) groupCommit.close();
      if (writer != null) writer.close();
    }
    if (replica != null) replica.close();
    primaryReachability.close();
    fill.close();
    primary.close();
    if (embedded != null) {
      try {
        embedded.close();
      } catch (Exception e) {
        System.err.println("provost: stopping the embedded PostgreSQL failed: " + e);
      }
    }
  }

  /** A unit of work inside a transaction. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection c) throws SQLException;
  }
}
