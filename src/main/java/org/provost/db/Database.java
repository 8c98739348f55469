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
 */
public final class Database implements AutoCloseable {
  private final HikariDataSource primary;
  private final HikariDataSource replica;
  private final AutoCloseable embedded;
  private final StatementCounter statements = new StatementCounter();
  /** Called after a write transaction that recorded a change commits; see {@link #onCommit}. */
  private volatile java.util.function.LongConsumer committed = revision -> { };
  private volatile QueryObserver queries = QueryObserver.NONE;
  static final String NO_JIT = "SET jit = off";

  private Database(HikariDataSource primary, HikariDataSource replica, AutoCloseable embedded) {
    this.primary = primary;
    this.replica = replica;
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
      HikariDataSource replica = config.replicaUrl().map(r -> {
        String replicaUrl = JdbcUrls.toJdbc(r, "PROVOST_DATABASE_REPLICA_URL");
        DatabaseProbe.check(replicaUrl, "PROVOST_DATABASE_REPLICA_URL", config);
        return pool("provost-replica", replicaUrl, config, true);
      }).orElse(null);
      return new Database(pool("provost-primary", url, config, false), replica, null);
    }
    EmbeddedPostgresServer server = EmbeddedPostgresServer.start(config.dataDir(), verb, mayShare);
    try {
      HikariConfig hc = poolConfig("provost-primary", server.jdbcUrl(), config, false);
      hc.setUsername(EmbeddedPostgresServer.USER);
      hc.setPassword(server.password());
      return new Database(new HikariDataSource(hc), null, server);
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
    return new Database(pool("provost-primary", jdbcUrl, config, false), null, null);
  }

  private static HikariDataSource pool(String name, String jdbcUrl, Config config, boolean readOnly) {
    return new HikariDataSource(poolConfig(name, jdbcUrl, config, readOnly));
  }

  private static HikariConfig poolConfig(String name, String jdbcUrl, Config config, boolean readOnly) {
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
    // pgbouncer in transaction mode cannot keep server-side prepared statements across transactions
    hc.addDataSourceProperty("prepareThreshold", System.getProperty("provost.prepareThreshold", "5"));
    hc.addDataSourceProperty("reWriteBatchedInserts", "true");
    hc.addDataSourceProperty("ApplicationName", "provost");
    return hc;
  }

  /** A connection outside the pool, for a long-lived session such as LISTEN. The caller closes it. */
  public Connection openDedicated() throws SQLException {
    java.util.Properties props = new java.util.Properties();
    if (primary.getUsername() != null) props.setProperty("user", primary.getUsername());
    if (primary.getPassword() != null) props.setProperty("password", primary.getPassword());
    props.setProperty("ApplicationName", "provost-feed");
    props.setProperty("tcpKeepAlive", "true");
    Connection c = java.sql.DriverManager.getConnection(primary.getJdbcUrl(), props);
    try (var st = c.createStatement()) {
      st.execute(NO_JIT);
    }
    return c;
  }

  public DataSource primary() {
    return primary;
  }

  public Optional<DataSource> replica() {
    return Optional.ofNullable(replica);
  }

  /**
   * Runs {@code work} in one transaction on the primary: committed if it returns, rolled back if it throws.
   * When the transaction recorded a change ({@link Changelog#record}), the {@link #onCommit} hook runs after
   * the commit and before this returns: the service uses it to wait until its own instance has applied the
   * change, so a revoke or deactivation holds on the instance that answers before the answer is sent.
   */
  public <T> T write(Work<T> work) {
    long outer = Changelog.beginTracking();
    T result;
    long recorded;
    try {
      result = inTransaction(primary, work);
    } finally {
      recorded = Changelog.endTracking(outer);
    }
    if (recorded > 0) committed.accept(recorded);
    return result;
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
    if (replica != null) replica.setMetricRegistry(registry);
  }

  /** Runs read-only {@code work} on the replica when there is one, else on the primary. */
  public <T> T read(Work<T> work) {
    return inTransaction(replica != null ? replica : primary, work);
  }

  /** Reads that must see the latest committed writes (read-your-writes), always on the primary. */
  public <T> T readPrimary(Work<T> work) {
    return inTransaction(primary, work);
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
        throw SqlErrors.translate(e);
      } catch (RuntimeException | Error e) {
        rollbackQuietly(c, e);
        throw e;
      }
    } catch (SQLException e) {
      throw SqlErrors.translate(e);
    }
  }

  private static void rollbackQuietly(Connection c, Throwable cause) {
    try {
      c.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  /** True when the primary answers a trivial query within the pool's timeout. */
  public boolean primaryReachable() {
    try (Connection c = primary.getConnection(); var st = c.createStatement()) {
      st.setQueryTimeout(2);
      return st.execute("SELECT 1");
    } catch (SQLException | ServiceException e) {
      return false;
    }
  }

  @Override
  public void close() {
    if (replica != null) replica.close();
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
