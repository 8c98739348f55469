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
    long importMaxBytes,
    String seedPassword,
    Topology topology) {

  /** The password every account made by {@code provost seed} shares, unless PROVOST_SEED_PASSWORD says otherwise. */
  public static final String DEFAULT_SEED_PASSWORD = "provost-seed-password";

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

  /** Argon2id cost parameters (RFC 9106). */
  public record Argon2Params(int memoryKib, int iterations, int parallelism) {}

  public static Config fromEnvironment() {
    return from(Settings.load(System.getenv()));
  }

  public static Config from(Map<String, String> env) {
    return from(Settings.load(env));
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
        s.list("PROVOST_TRUSTED_PROXIES", "127.0.0.1,::1,0:0:0:0:0:0:0:1"),
        s.string("PROVOST_REDIS_URL"),
        s.integer("PROVOST_IMPORT_MAX_BYTES", 64 << 20, 1024, Integer.MAX_VALUE),
        s.string("PROVOST_SEED_PASSWORD").orElse(DEFAULT_SEED_PASSWORD),
        new Topology(
            s.string("PROVOST_DATABASE_DIRECT_URL"),
            s.duration("PROVOST_DATABASE_REPLICA_MAX_LAG", Duration.ofSeconds(5)),
            s.duration("PROVOST_SHUTDOWN_DRAIN_DELAY", Duration.ofSeconds(1)),
            s.duration("PROVOST_SHUTDOWN_TIMEOUT", Duration.ofSeconds(10))));
  }
}
