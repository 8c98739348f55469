package org.provost.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * Real PostgreSQL for tests: each call makes a new, empty database on the server named by
 * {@code PROVOST_TEST_DATABASE_URL} (default {@code jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres}).
 * Where no server answers, tests are skipped with the reason; with {@code PROVOST_TEST_REQUIRE_ALL=true}
 * (CI) they fail instead.
 */
public final class TestDatabases {
  public static final String ADMIN_URL = env("PROVOST_TEST_DATABASE_URL",
      "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");

  private TestDatabases() {}

  static String env(String key, String fallback) {
    String v = System.getenv(key);
    return v == null || v.isBlank() ? fallback : v;
  }

  /**
   * Why PostgreSQL cannot serve tests here (no server answers at {@link #ADMIN_URL}), or empty when it can.
   * Asked once per test JVM. The extensions report a class skipped with this reason before they start
   * anything: a class whose set-up aborted in {@code @BeforeAll} showed in surefire's counts as no tests at all.
   */
  public static java.util.Optional<String> missing() {
    return Missing.POSTGRESQL;
  }

  private static final class Missing {
    static final java.util.Optional<String> POSTGRESQL = probe();

    private static java.util.Optional<String> probe() {
      try (Connection c = DriverManager.getConnection(ADMIN_URL)) {
        return java.util.Optional.empty();
      } catch (SQLException e) {
        return java.util.Optional.of("PostgreSQL at " + ADMIN_URL + " is not reachable: " + e.getMessage());
      }
    }
  }

  /**
   * The condition the class-level extensions report: disabled with the reason when a part is missing,
   * except with {@code PROVOST_TEST_REQUIRE_ALL=true}, where set-up runs and fails instead.
   */
  static org.junit.jupiter.api.extension.ConditionEvaluationResult condition(java.util.Optional<String> missing) {
    return missing.isPresent() && !requireAll()
        ? org.junit.jupiter.api.extension.ConditionEvaluationResult.disabled("skipped: " + missing.get())
        : org.junit.jupiter.api.extension.ConditionEvaluationResult.enabled("PostgreSQL answers");
  }

  public static boolean requireAll() {
    return "true".equals(System.getenv("PROVOST_TEST_REQUIRE_ALL"));
  }

  /** Creates a fresh database and returns its JDBC URL. */
  public static String create() {
    String name = "provost_t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    try (Connection c = DriverManager.getConnection(ADMIN_URL); Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      unavailable("PostgreSQL at " + ADMIN_URL + " is not reachable: " + e.getMessage());
    }
    return withDatabase(ADMIN_URL, name);
  }

  public static void drop(String jdbcUrl) {
    String name = jdbcUrl.replaceAll("^jdbc:postgresql://[^/]+/([^?]+).*$", "$1");
    try (Connection c = DriverManager.getConnection(ADMIN_URL); Statement st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    } catch (SQLException e) {
      System.err.println("could not drop test database " + name + ": " + e.getMessage());
    }
  }

  static String withDatabase(String url, String name) {
    return url.replaceFirst("^(jdbc:postgresql://[^/]+/)[^?]*", "$1" + name);
  }

  /** Skips the calling test (or fails it in CI, where every part must be present). */
  public static void unavailable(String reason) {
    if (requireAll()) throw new IllegalStateException(reason + " (PROVOST_TEST_REQUIRE_ALL=true)");
    Assumptions.abort(reason);
  }
}
