package org.provost.testing;

import java.util.HashMap;
import java.util.Map;
import org.provost.config.Config;
import org.provost.db.Database;
import org.provost.db.Migrations;

/**
 * A fresh, migrated PostgreSQL database without a running server, for tests that drive a feature (or a
 * command) directly. {@link #config} points PROVOST_DATABASE_URL at it, with the cheap test Argon2 cost.
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

  public static MigratedDatabase create() {
    String url = TestDatabases.create();
    Map<String, String> env = new HashMap<>(TestServer.settings(Map.of()));
    env.put("PROVOST_DATABASE_URL", url);
    Config config = Config.from(env);
    Database db = Database.connect(url, config);
    Migrations.migrate(db.primary());
    return new MigratedDatabase(url, config, db);
  }

  /** A single number from SQL, e.g. {@code count("SELECT count(*) FROM users")}. */
  public long count(String sql, Object... params) {
    return db.readPrimary(c -> org.provost.db.Jdbc.one(c, sql, rs -> rs.getLong(1), params).orElseThrow());
  }

  @Override
  public void close() {
    db.close();
    TestDatabases.drop(jdbcUrl);
  }
}
