package org.provost.testing;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.provost.config.Config;
import org.provost.db.Database;
import org.provost.db.Jdbc;
import org.provost.db.Migrations;

/**
 * A fresh, migrated PostgreSQL database without a running server, for tests that drive a feature (or a
 * command) directly. {@link #config} points PROVOST_DATABASE_URL at it, with the cheap test Argon2 cost.
 *
 * <p>One database for a whole test class is the extension {@link #perClass()}; one for a single test (or several
 * side by side) is {@link #create()} in a try-with-resources.
 */
public final class MigratedDatabase implements AutoCloseable {
  public final String jdbcUrl;
  public final Config config;
  public final Database db;

  private MigratedDatabase(String jdbcUrl, Config config, Database db) {
    this.jdbcUrl = jdbcUrl;
    this.config = config;
    this.db = db;
  }

  /**
   * Creates a new database, connects to it and migrates it; the caller closes it, which drops it. Where
   * PostgreSQL does not answer, aborts the calling test through {@link TestDatabases#unavailable} (skipped, or
   * failed with {@code PROVOST_TEST_REQUIRE_ALL=true}). When connecting or migrating fails, the database made
   * is dropped before the failure is thrown.
   */
  public static MigratedDatabase create() {
    String url = TestDatabases.create();
    Database db = null;
    try {
      Map<String, String> env = new HashMap<>(TestServer.settings(Map.of()));
      env.put("PROVOST_DATABASE_URL", url);
      Config config = Config.from(env);
      db = Database.connect(url, config);
      Migrations.migrate(db.primary());
      return new MigratedDatabase(url, config, db);
    } catch (RuntimeException | Error e) {
      try {
        if (db != null) db.close();
      } catch (RuntimeException closing) {
        e.addSuppressed(closing);
      }
      TestDatabases.drop(url);
      throw e;
    }
  }

  /**
   * The extension that gives one test class its own migrated database; register it in a static field:
   *
   * <pre>{@code
   * @RegisterExtension
   * static final MigratedDatabase.PerClass database = MigratedDatabase.perClass();
   * }</pre>
   *
   * See {@link PerClass} for its life cycle.
   */
  public static PerClass perClass() {
    return new PerClass();
  }

  /** A single number from SQL, e.g. {@code count("SELECT count(*) FROM users")}. */
  public long count(String sql, Object... params) {
    return db.readPrimary(c -> Jdbc.one(c, sql, rs -> rs.getLong(1), params).orElseThrow());
  }

  @Override
  public void close() {
    db.close();
    TestDatabases.drop(jdbcUrl);
  }

  /**
   * A {@link MigratedDatabase} for one test class, as a JUnit extension (made by {@link #perClass()}, in the
   * manner of {@link ProvostServer}). The database is created and migrated before the class's own
   * {@code @BeforeAll} methods run (which add what only that class needs, e.g. a table or a {@link Config} of its
   * own), and closed, and so dropped, after its {@code @AfterAll} methods. Its tests share it: each test leaves
   * rows the next may see.
   *
   * <p>Register it in a {@code static} field: it starts once per class. Where PostgreSQL does not answer, the
   * class is disabled before set-up ({@link TestDatabases#condition}), so every test of it reports skipped with
   * the reason (with {@code PROVOST_TEST_REQUIRE_ALL=true} set-up runs and fails instead). A {@code @Nested} class shares its outer
   * class's database. The accessors throw IllegalStateException before set-up and after close.
   */
  public static final class PerClass implements BeforeAllCallback, AfterAllCallback,
      org.junit.jupiter.api.extension.ExecutionCondition {
    private String owner;
    private MigratedDatabase database;

    private PerClass() {}

    /** Skips the class, with the reason, when PostgreSQL does not answer. */
    @Override
    public org.junit.jupiter.api.extension.ConditionEvaluationResult evaluateExecutionCondition(
        ExtensionContext context) {
      return TestDatabases.condition(TestDatabases.missing());
    }

    @Override
    public void beforeAll(ExtensionContext context) {
      if (owner != null) return; // a @Nested class: its outer class made the database
      owner = context.getUniqueId();
      database = MigratedDatabase.create();
    }

    @Override
    public void afterAll(ExtensionContext context) {
      if (!context.getUniqueId().equals(owner)) return;
      owner = null;
      MigratedDatabase made = database;
      database = null;
      if (made != null) made.close();
    }

    /** The open database, for helpers that take a {@link MigratedDatabase}. */
    public MigratedDatabase get() {
      if (database == null) {
        throw new IllegalStateException("the MigratedDatabase is not open: register it as a static"
            + " @RegisterExtension field and use it from @BeforeAll or a test (owner: " + owner + ")");
      }
      return database;
    }

    /** The connected, migrated database ({@link MigratedDatabase#db}). */
    public Database db() {
      return get().db;
    }

    /** The database's JDBC URL ({@link MigratedDatabase#jdbcUrl}), e.g. for a connection of the test's own. */
    public String jdbcUrl() {
      return get().jdbcUrl;
    }

    /** The test settings pointed at this database ({@link MigratedDatabase#config}). */
    public Config config() {
      return get().config;
    }

    /** A single number from SQL, as {@link MigratedDatabase#count}. */
    public long count(String sql, Object... params) {
      return get().count(sql, params);
    }
  }
}
