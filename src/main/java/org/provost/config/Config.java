package org.provost.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Provost's whole configuration, read once at start from {@code PROVOST_*} environment variables (and an
 * optional properties file named by {@code PROVOST_CONFIG_FILE}), validated, then immutable.
 */
public record Config(
    Optional<String> databaseUrl,
    Optional<String> databaseUser,
    Optional<String> databasePassword,
    Optional<String> replicaUrl,
    int poolMinIdle,
    int poolMaxSize,
    Path dataDir,
    String httpHost,
    int httpPort,
    int eventLoops,
    long maxBodyBytes,
    Duration sessionIdleTimeout,
    Duration sessionMaxLifetime,
    Argon2Params argon2,
    Optional<String> adminPassword,
    int loginMaxFailures,
    int loginMaxFailuresPerAddress,
    Duration loginFailureWindow,
    java.util.Set<String> trustedProxies,
    Optional<String> redisUrl,
    String redisKeyPrefix,
    long importMaxBytes,
    String seedPassword,
    int maxRevisionWaiters,
    boolean userSearchIndex,
    Observability observability,
    Topology topology,
    Lanes lanes) {

  /** The password every account made by {@code provost seed} shares, unless PROVOST_SEED_PASSWORD says otherwise. */
  public static final String DEFAULT_SEED_PASSWORD = "provost-seed-password";

  /**
   * Logs and metrics: {@code logFormat} is {@code text} or {@code json} (PROVOST_LOG_FORMAT); an access
   * line per request when {@code accessLog} (PROVOST_ACCESS_LOG); a slow-query line for every SQL
   * statement taking at least {@code slowQueryThreshold} (PROVOST_SLOW_QUERY_THRESHOLD); per-request HTTP
   * metrics (response-time timers, requests in flight) unless {@code httpMetrics} is false
   * (PROVOST_HTTP_METRICS, off only to measure what they cost).
   */
  public record Observability(String logFormat, boolean accessLog, Duration slowQueryThreshold,
      boolean httpMetrics) {
    static Observability from(Settings s) {
      String format = s.string("PROVOST_LOG_FORMAT").orElse("text");
      if (!format.equals("text") && !format.equals("json")) {
        throw new ConfigException("PROVOST_LOG_FORMAT", format, "must be text or json");
      }
      return new Observability(format, flag(s, "PROVOST_ACCESS_LOG", false),
          s.duration("PROVOST_SLOW_QUERY_THRESHOLD", Duration.ofMillis(250)), flag(s, "PROVOST_HTTP_METRICS", true));
    }
  }

  /** A {@code true}/{@code false} setting; any other value is refused naming {@code key}. */
  private static boolean flag(Settings s, String key, boolean defaultValue) {
    String v = s.string(key).orElse(String.valueOf(defaultValue));
    return switch (v) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new ConfigException(key, v, "must be true or false");
    };
  }

  /**
   * How an instance sits among others: {@code directUrl} is a database URL that bypasses a pooler such as
   * pgbouncer (the change feed's LISTEN needs a session of its own; empty: the primary URL);
   * {@code replicaMaxLag} is how far the replica may trail the primary before reads go to the primary;
   * {@code shutdownDrainDelay} is how long, after SIGTERM, the instance keeps accepting while it answers
   * readiness 503 and closes every connection after its response; {@code shutdownTimeout} bounds the wait
   * for requests in flight once the listener is closed.
   */
  public record Topology(Optional<String> directUrl, Duration replicaMaxLag, Duration shutdownDrainDelay,
      Duration shutdownTimeout) {}

  /**
   * The lanes' admission (DESIGN.md "Lanes and admission"; README "Lanes and overload"). The SQL lane runs at
   * most {@code sqlConcurrency} requests at once (PROVOST_SQL_LANE_CONCURRENCY, default 2 x cores reads plus
   * the writes' share, up to the pool's size: {@link #defaultSqlConcurrency}), of
   * which at most {@code sqlWriters} are writes (PROVOST_SQL_LANE_WRITERS, default a quarter of the pool, or
   * of PROVOST_SQL_LANE_CONCURRENCY when that is set, 1 to 4: writes
   * queue behind one writer lock, so more would only hold connections reads need); grants and revokes,
   * committed in groups (db.GroupCommit) and holding no connection while they wait, have a share of their own
   * of {@code groupedWrites} (PROVOST_SQL_LANE_GROUPED_WRITES, default 128); each share queues at
   * most {@code sqlQueue} more (PROVOST_SQL_LANE_QUEUE) for at most {@code sqlMaxWait}
   * (PROVOST_SQL_LANE_MAX_WAIT). The hash lane hashes on {@code hashThreads} platform threads
   * (PROVOST_HASH_THREADS, default half the cores; each Argon2id hash holds its memory cost, 19 MiB by default,
   * so at most this many are allocated at once) and queues at most {@code hashQueue} requests
   * (PROVOST_HASH_LANE_QUEUE) for at most {@code hashMaxWait} (PROVOST_HASH_LANE_MAX_WAIT). The memory lane's
   * cache fills use a pool of their own of {@code fillPoolSize} connections (PROVOST_DB_FILL_POOL_SIZE).
   * The threads that run the SQL lane's requests, the group commit and the hashes run {@code nice} steps
   * (PROVOST_LANE_NICE, 0 to 19, default 10) below the process's scheduling priority, so that on a saturated
   * machine the event loops (the memory lane) get the cores first; 0 runs them at the process's priority.
   */
  public record Lanes(int sqlConcurrency, int sqlWriters, int groupedWrites, int sqlQueue, Duration sqlMaxWait,
      int hashThreads, int hashQueue, Duration hashMaxWait, int fillPoolSize, int nice) {
    static Lanes from(Settings s, int poolMaxSize) {
      // the lane set by hand keeps a quarter of itself for writes; by default the writes (set, or a quarter
      // of the pool) come on top of the reads' share (defaultSqlConcurrency)
      boolean sized = s.string("PROVOST_SQL_LANE_CONCURRENCY").isPresent();
      int writers;
      int sql;
      if (sized) {
        sql = s.integer("PROVOST_SQL_LANE_CONCURRENCY", 0, 2, 10_000);
        writers = s.integer("PROVOST_SQL_LANE_WRITERS", defaultWriters(sql), 1, 10_000);
      } else {
        writers = s.integer("PROVOST_SQL_LANE_WRITERS", defaultWriters(poolMaxSize), 1, 10_000);
        // read through Settings, so that the start-up log shows the value the machine's cores gave
        sql = s.integer("PROVOST_SQL_LANE_CONCURRENCY", defaultSqlConcurrency(poolMaxSize, CORES, writers), 2,
            10_000);
      }
      if (sql > 4 * poolMaxSize) {
        throw new ConfigException("PROVOST_SQL_LANE_CONCURRENCY", String.valueOf(sql), "must not exceed 4 x "
            + "PROVOST_DB_POOL_MAX_SIZE (" + 4 * poolMaxSize + "): the rest would only wait for a connection");
      }
      if (sql < 2 || writers >= sql) {
        throw new ConfigException("PROVOST_SQL_LANE_WRITERS", String.valueOf(writers), "must be below "
            + "PROVOST_SQL_LANE_CONCURRENCY (" + sql + "), which must be at least 2: reads keep the rest");
      }
      return new Lanes(sql, writers,
          // grants and revokes committed in groups hold no connection while they wait (db.GroupCommit): this
          // bounds how many wait at once, two groups' worth
          s.integer("PROVOST_SQL_LANE_GROUPED_WRITES", 128, 1, 100_000),
          s.integer("PROVOST_SQL_LANE_QUEUE", 512, 0, 1_000_000),
          s.duration("PROVOST_SQL_LANE_MAX_WAIT", Duration.ofMillis(250)),
          // half the cores: hashing a full lane's worth of logins must leave the event loops (the memory
          // lane) a core; on 2 cores with every core hashing, checks waited up to 190 ms (docs/PERFORMANCE.md)
          s.integer("PROVOST_HASH_THREADS", Math.max(1, CORES / 2), 1, 256),
          s.integer("PROVOST_HASH_LANE_QUEUE", 32, 0, 100_000),
          s.duration("PROVOST_HASH_LANE_MAX_WAIT", Duration.ofSeconds(1)),
          s.integer("PROVOST_DB_FILL_POOL_SIZE", 4, 1, 100),
          // nice steps below the event loops for the threads that run SQL and hashing: on a saturated machine
          // the cores go to the memory lane first (ops.ThreadPriority; docs/PERFORMANCE.md "Lane priority")
          s.integer("PROVOST_LANE_NICE", 10, 0, 19));
    }

    /**
     * The SQL lane's default concurrency: {@code 2 x cores} reads plus the writes' share (PROVOST_SQL_LANE_WRITERS, by
     * default {@link #defaultWriters} of the pool), at most the pool's size (and at least 2, so with a pool of 1 the
     * lane's two requests share its one connection). The reads' share is the starting point for a database's active
     * connections that the PostgreSQL wiki ("Number Of Database Connections") and HikariCP's "About Pool Sizing" give,
     * {@code (core_count * 2) + effective_spindle_count}, with no spindle: the working set is cached. Writes mostly
     * sleep behind one writer lock, so they are counted on top. {@code cores} are the processors this JVM may use
     * (logical ones, where the formula means physical cores), and this machine's: right for PostgreSQL on the same
     * machine (the embedded default); with PostgreSQL on a machine of its own, PROVOST_SQL_LANE_CONCURRENCY is set
     * from that machine's cores, shared among the instances. More reads at once than the cores can run only lengthen
     * the tail: on 2 cores, 16 at once put a 50-user page's client p99 at 45-148 ms, 4 at once at 4-12 ms in three
     * rounds of four (24 ms in the fourth), for as many pages a second (docs/PERFORMANCE.md "The SQL lane's
     * concurrency").
     *
     * @param poolMaxSize PROVOST_DB_POOL_MAX_SIZE (>= 1)
     * @param cores the processors this JVM may use (>= 1)
     * @param writers the writes' share (>= 1)
     * @return requests the SQL lane runs at once, 2 to {@code max(2, poolMaxSize)}
     */
    static int defaultSqlConcurrency(int poolMaxSize, int cores, int writers) {
      return Math.max(2, Math.min(poolMaxSize, 2 * cores + writers));
    }

    /**
     * How many of {@code concurrency} SQL-lane requests may be writes by default: a quarter, 1 to 4 (writes
     * queue behind one writer lock, so more would only hold connections reads need).
     */
    static int defaultWriters(int concurrency) {
      return Math.max(1, Math.min(4, concurrency / 4));
    }
  }

  private static final int CORES = Runtime.getRuntime().availableProcessors();

  /** Argon2id cost parameters (RFC 9106). */
  public record Argon2Params(int memoryKib, int iterations, int parallelism) {}

  /** The configuration of this process; throws {@link ConfigException} naming the first bad or unknown key. */
  public static Config fromEnvironment() {
    return from(System.getenv());
  }

  /** The configuration {@code env} (PROVOST_* keys; others ignored) describes; see {@link #fromEnvironment}. */
  public static Config from(Map<String, String> env) {
    Settings s = Settings.load(env);
    Config config = from(s);
    s.refuseUnknown();
    return config;
  }

  /**
   * Every setting {@code env} gives this process, defaults included, one {@code KEY=value} a line with
   * passwords masked: the effective configuration, logged once at start.
   */
  public static String describe(Map<String, String> env) {
    Settings s = Settings.load(env);
    from(s);
    return s.describe();
  }

  /** The record's fields with every password masked (URLs keep their host, lose their password). */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("Config[");
    var components = getClass().getRecordComponents();
    for (int i = 0; i < components.length; i++) {
      try {
        Object value = components[i].getAccessor().invoke(this);
        String shown = value instanceof Optional<?> o && o.isPresent() ? "Optional[" + o.get() + "]" : String.valueOf(value);
        if (i > 0) out.append(", ");
        out.append(components[i].getName()).append('=').append(Secrets.mask(components[i].getName(), shown));
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    }
    return out.append(']').toString();
  }

  private static Optional<String> redisUrl(Settings s) {
    Optional<String> url = s.string("PROVOST_REDIS_URL");
    if (url.isPresent() && !url.get().matches("rediss?://[^\\s]+")) {
      throw new ConfigException("PROVOST_REDIS_URL", Secrets.mask("url", url.get()),
          "must be a Redis URL, redis://host:port/db (rediss:// for TLS)");
    }
    return url;
  }

  static Config from(Settings s) {
    int minIdle = s.integer("PROVOST_DB_POOL_MIN_IDLE", 5, 0, 1000);
    int maxSize = s.integer("PROVOST_DB_POOL_MAX_SIZE", 20, 1, 1000);
    if (minIdle > maxSize) {
      throw new ConfigException("PROVOST_DB_POOL_MIN_IDLE", String.valueOf(minIdle),
          "must not exceed PROVOST_DB_POOL_MAX_SIZE (" + maxSize + ")");
    }
    return new Config(
        s.string("PROVOST_DATABASE_URL"),
        s.string("PROVOST_DATABASE_USER"),
        s.string("PROVOST_DATABASE_PASSWORD"),
        s.string("PROVOST_DATABASE_REPLICA_URL"),
        minIdle,
        maxSize,
        Path.of(s.string("PROVOST_DATA_DIR").orElse("./provost-data")),
        s.string("PROVOST_HTTP_HOST").orElse("0.0.0.0"),
        s.integer("PROVOST_HTTP_PORT", 8080, 0, 65535),
        s.integer("PROVOST_EVENT_LOOPS", Runtime.getRuntime().availableProcessors(), 1, 256),
        s.integer("PROVOST_MAX_BODY_BYTES", 1 << 20, 1024, Integer.MAX_VALUE),
        s.duration("PROVOST_SESSION_IDLE_TIMEOUT", Duration.ofMinutes(30)),
        s.duration("PROVOST_SESSION_MAX_LIFETIME", Duration.ofHours(12)),
        new Argon2Params(
            s.integer("PROVOST_ARGON2_MEMORY_KIB", 19 * 1024, 8, 4 * 1024 * 1024),
            s.integer("PROVOST_ARGON2_ITERATIONS", 2, 1, 100),
            s.integer("PROVOST_ARGON2_PARALLELISM", 1, 1, 64)),
        s.string("PROVOST_ADMIN_PASSWORD"),
        s.integer("PROVOST_LOGIN_MAX_FAILURES", 5, 1, 1_000_000),
        s.integer("PROVOST_LOGIN_MAX_FAILURES_PER_ADDRESS", 100, 1, 100_000_000),
        s.duration("PROVOST_LOGIN_FAILURE_WINDOW", Duration.ofMinutes(5)),
        TrustedProxies.parse(s.list("PROVOST_TRUSTED_PROXIES", "127.0.0.1,::1")),
        redisUrl(s),
        s.string("PROVOST_REDIS_KEY_PREFIX").orElse("provost:"),
        s.integer("PROVOST_IMPORT_MAX_BYTES", 64 << 20, 1024, Integer.MAX_VALUE),
        s.string("PROVOST_SEED_PASSWORD").orElse(DEFAULT_SEED_PASSWORD),
        s.integer("PROVOST_MAX_REVISION_WAITERS", 10_000, 0, 1_000_000),
        flag(s, "PROVOST_USER_SEARCH_INDEX", true),
        Observability.from(s),
        new Topology(
            s.string("PROVOST_DATABASE_DIRECT_URL"),
            s.duration("PROVOST_DATABASE_REPLICA_MAX_LAG", Duration.ofSeconds(5)),
            s.duration("PROVOST_SHUTDOWN_DRAIN_DELAY", Duration.ofSeconds(1)),
            s.duration("PROVOST_SHUTDOWN_TIMEOUT", Duration.ofSeconds(10))),
        Lanes.from(s, maxSize));
  }
}
