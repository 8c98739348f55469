package org.provost.testing;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.provost.App;
import org.provost.redis.Redis;

/**
 * A real Provost for one test class, as a JUnit extension: a fresh PostgreSQL database, a server started on it
 * through {@link TestServer} (the same {@link App#start} as {@code provost serve}, on a free port), and, when
 * asked for, the bootstrap admin's session and the {@link AccessFixture#directory() fixture directory}. All of it
 * is ready before the class's own {@code @BeforeAll} methods run (which add what only that class needs), and is
 * closed after its {@code @AfterAll} methods: every instance stopped, the database dropped, Redis keys removed.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final ProvostServer server = ProvostServer.builder().config("PROVOST_IMPORT_MAX_BYTES", "4096").admin()
 *     .build();
 * static final Http http = server.http;            // bound now, usable once the server runs
 * static final AccessFixture fx = server.fixture();
 * }</pre>
 *
 * <p>Register it in a {@code static} field: it starts once per class. Where PostgreSQL (or, with
 * {@link Builder#redis()}, Redis) does not answer, the class is disabled before anything starts
 * ({@link TestDatabases#condition}), so every test of it reports skipped with the reason (with
 * {@code PROVOST_TEST_REQUIRE_ALL=true} set-up runs and fails instead). An abort in {@code @BeforeAll} would
 * not do: surefire counts such a class as no tests at all. When set-up fails halfway, what it had made so far is closed before
 * the failure is reported. A {@code @Nested} class shares its outer class's server.
 */
public final class ProvostServer implements BeforeAllCallback, AfterAllCallback,
    org.junit.jupiter.api.extension.ExecutionCondition {
  /** A client of the started server; bound at build time, so it can be kept in a static field. */
  public final Http http;
  private final Map<String, String> overrides;
  private final Clock clock;
  private final boolean loginAdmin;
  private final boolean directory;
  private final boolean withRedis;
  private final AccessFixture fixture;
  /** What set-up has made, to close in reverse order. */
  private final Deque<AutoCloseable> opened = new ArrayDeque<>();
  private String owner;
  private String databaseMade;
  private Map<String, String> settings;
  private TestServer primary;
  private String adminToken;
  private Redis redis;

  private ProvostServer(Builder b) {
    this.overrides = Map.copyOf(b.overrides);
    this.clock = b.clock;
    this.loginAdmin = b.admin || b.directory;
    this.directory = b.directory;
    this.withRedis = b.redis;
    this.http = new Http(() -> running().app().port());
    this.fixture = new AccessFixture(() -> running().jdbcUrl(), http, this::admin);
  }

  /** A builder for a server with the test settings of {@link TestServer#settings} and nothing seeded. */
  public static Builder builder() {
    return new Builder();
  }

  /** What the server is started with, beyond a fresh database and the test settings. */
  public static final class Builder {
    private final Map<String, String> overrides = new HashMap<>();
    private Clock clock = Clock.systemUTC();
    private boolean admin;
    private boolean directory;
    private boolean redis;

    private Builder() {}

    /** One setting ({@code PROVOST_...} environment name and value) over the test defaults. */
    public Builder config(String key, String value) {
      overrides.put(key, value);
      return this;
    }

    /** Settings over the test defaults, as {@link #config(String, String)} each. */
    public Builder config(Map<String, String> settings) {
      overrides.putAll(settings);
      return this;
    }

    /** The server's clock (a fixed or movable one); the system clock by default. */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /** Logs the bootstrap admin in at start; the token is {@link ProvostServer#admin()}. */
    public Builder admin() {
      this.admin = true;
      return this;
    }

    /** Writes {@link AccessFixture#directory()} at start (after logging the admin in, as the fixture needs). */
    public Builder directory() {
      this.directory = true;
      return this;
    }

    /**
     * Shares the machine's Redis ({@link TestRedis#URL}) under a key prefix of this class's own, removed after
     * all tests; skips the class where Redis does not answer. The server (and {@link ProvostServer#another})
     * is ready once it reports Redis up.
     */
    public Builder redis() {
      this.redis = true;
      return this;
    }

    /** The extension; register it with {@code @RegisterExtension} on a static field. */
    public ProvostServer build() {
      return new ProvostServer(this);
    }
  }

  /** Skips the class, with the reason, when PostgreSQL (or Redis, if asked for) does not answer. */
  @Override
  public org.junit.jupiter.api.extension.ConditionEvaluationResult evaluateExecutionCondition(
      ExtensionContext context) {
    return TestDatabases.condition(TestDatabases.missing().or(() -> withRedis ? TestRedis.missing()
        : java.util.Optional.empty()));
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    if (owner != null) return; // a @Nested class: its outer class started the server
    owner = context.getUniqueId();
    try {
      Map<String, String> env = new HashMap<>(overrides);
      if (withRedis) {
        String prefix = TestRedis.prefix();
        Redis client = TestRedis.connect(TestRedis.URL, prefix);
        opened.push(() -> {
          TestRedis.deleteKeys(client);
          client.close();
        });
        redis = client;
        env.put("PROVOST_REDIS_URL", TestRedis.URL);
        env.put("PROVOST_REDIS_KEY_PREFIX", prefix);
      }
      settings = Map.copyOf(env);
      String jdbcUrl = TestDatabases.create();
      databaseMade = jdbcUrl;
      opened.push(() -> TestDatabases.drop(jdbcUrl));
      primary = TestServer.startOn(jdbcUrl, false, settings, clock);
      opened.push(primary);
      if (withRedis) RedisStatus.await(primary, "up");
      if (loginAdmin) adminToken = http.login("admin", TestServer.ADMIN_PASSWORD);
      if (directory) fixture.directory();
    } catch (RuntimeException | Error e) {
      closeAll(e);
      throw e;
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (!context.getUniqueId().equals(owner)) return;
    closeAll(null);
  }

  /** Closes everything opened, newest first; failures are added to {@code cause}, or thrown after the rest. */
  private void closeAll(Throwable cause) {
    primary = null;
    RuntimeException failed = null;
    while (!opened.isEmpty()) {
      try {
        opened.pop().close();
      } catch (Exception e) {
        if (cause != null) {
          cause.addSuppressed(e);
        } else if (failed == null) {
          failed = new IllegalStateException("closing the test server failed", e);
        } else {
          failed.addSuppressed(e);
        }
      }
    }
    if (failed != null) throw failed;
  }

  private TestServer running() {
    if (primary == null) {
      throw new IllegalStateException("the ProvostServer is not running: register it as a static @RegisterExtension"
          + " field and use it from @BeforeAll or a test (owner: " + owner + ")");
    }
    return primary;
  }

  /** The JDBC URL of the database set-up made, kept after close (for the extension's own test); null before. */
  String databaseMade() {
    return databaseMade;
  }

  /** The running server (for helpers that take a {@link TestServer}). Throws before start and after close. */
  public TestServer instance() {
    return running();
  }

  /** The running application: its database, index, admissions. */
  public App app() {
    return running().app();
  }

  /** The JDBC URL of this class's database (for fixtures written by SQL). */
  public String jdbcUrl() {
    return running().jdbcUrl();
  }

  /**
   * The admin session logged in at start, shared by the class's tests. Throws IllegalStateException unless the
   * builder asked for it with {@link Builder#admin()} or {@link Builder#directory()}.
   */
  public String admin() {
    running();
    if (adminToken == null) {
      throw new IllegalStateException("no admin session was logged in at start: add .admin() to the builder");
    }
    return adminToken;
  }

  /** Logs in as the bootstrap admin anew and returns that session's token (as {@link TestServer#adminToken}). */
  public String adminToken() {
    return running().adminToken();
  }

  /**
   * The access-model fixture on this server, acting as {@link #admin()}. Bound at build time, so it can be kept
   * in a static field; usable once the server runs.
   */
  public AccessFixture fixture() {
    return fixture;
  }

  /**
   * The class's Redis client under its own key prefix (for reading the keys the server writes). Throws
   * IllegalStateException unless the builder asked for {@link Builder#redis()}.
   */
  public Redis redis() {
    running();
    if (redis == null) throw new IllegalStateException("this server has no Redis: add .redis() to the builder");
    return redis;
  }

  /**
   * Starts a second instance on the same database, with the same settings and clock and {@code overrides} on
   * top; it is stopped before the first after all tests. With Redis, it is returned once it reports Redis up.
   */
  public TestServer another(Map<String, String> overrides) {
    TestServer first = running();
    Map<String, String> env = new HashMap<>(settings);
    env.putAll(overrides);
    TestServer second = TestServer.startOn(first.jdbcUrl(), false, env, clock);
    opened.push(second);
    if (withRedis) RedisStatus.await(second, "up");
    return second;
  }
}
