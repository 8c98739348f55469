package org.provost.testing;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.provost.App;
import org.provost.config.Config;
import org.provost.db.Database;

/**
 * A real Provost on a fresh PostgreSQL database, listening on a free port, started through the same
 * {@link App#start} as {@code provost serve}. Cheap Argon2 cost so tests do not spend their time hashing.
 */
public final class TestServer implements AutoCloseable {
  public static final String ADMIN_PASSWORD = "admin-password-for-tests";

  private final App app;
  private final String jdbcUrl;
  private final boolean ownsDatabase;
  public final Http http;

  private TestServer(App app, String jdbcUrl, boolean ownsDatabase) {
    this.app = app;
    this.jdbcUrl = jdbcUrl;
    this.ownsDatabase = ownsDatabase;
    this.http = new Http(app.port());
  }

  public static TestServer start() {
    return start(Map.of());
  }

  public static TestServer start(Map<String, String> overrides) {
    return startOn(TestDatabases.create(), true, overrides, Clock.systemUTC());
  }

  /** A second instance on the same database (multi-instance tests). */
  public TestServer another(Map<String, String> overrides) {
    return startOn(jdbcUrl, false, overrides, Clock.systemUTC());
  }

  public static TestServer startOn(String jdbcUrl, boolean ownsDatabase, Map<String, String> overrides,
      Clock clock) {
    Config config = Config.from(settings(overrides));
    return new TestServer(startApp(config, Database.connect(jdbcUrl, config), clock), jdbcUrl, ownsDatabase);
  }

  /** Starts the app on {@code db}, closing {@code db} when the start fails (the app closes it once started). */
  private static App startApp(Config config, Database db, Clock clock) {
    try {
      return App.start(config, db, clock);
    } catch (RuntimeException | Error e) {
      db.close();
      throw e;
    }
  }

  /**
   * An instance whose database is opened by {@code open} (a replica, a pooler in front), on the database
   * {@code jdbcUrl} names directly (fixtures write there); the caller drops that database.
   */
  public static TestServer startWith(String jdbcUrl, java.util.function.Function<Config, Database> open,
      Map<String, String> overrides) {
    Config config = Config.from(settings(overrides));
    return new TestServer(startApp(config, open.apply(config), Clock.systemUTC()), jdbcUrl, false);
  }

  public static Map<String, String> settings(Map<String, String> overrides) {
    Map<String, String> env = new HashMap<>();
    env.put("PROVOST_HTTP_PORT", "0");
    env.put("PROVOST_HTTP_HOST", "127.0.0.1");
    env.put("PROVOST_EVENT_LOOPS", "2");
    env.put("PROVOST_DB_POOL_MIN_IDLE", "1");
    env.put("PROVOST_DB_POOL_MAX_SIZE", "8");
    env.put("PROVOST_ARGON2_MEMORY_KIB", "64");
    env.put("PROVOST_ARGON2_ITERATIONS", "1");
    env.put("PROVOST_ADMIN_PASSWORD", ADMIN_PASSWORD);
    env.putAll(overrides);
    // the lane as large as the pool, as before its default followed the cores (Config.Lanes): the same on
    // every machine, so a test's concurrency does not depend on the one it runs on
    env.putIfAbsent("PROVOST_SQL_LANE_CONCURRENCY", env.get("PROVOST_DB_POOL_MAX_SIZE"));
    return env;
  }

  public App app() {
    return app;
  }

  public String jdbcUrl() {
    return jdbcUrl;
  }

  /** Logs in as the bootstrap admin and returns the session token. */
  public String adminToken() {
    return http.login("admin", ADMIN_PASSWORD);
  }

  @Override
  public void close() {
    app.close();
    if (ownsDatabase) TestDatabases.drop(jdbcUrl);
  }
}
