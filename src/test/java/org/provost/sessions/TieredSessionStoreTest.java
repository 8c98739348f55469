package org.provost.sessions;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.provost.db.Jdbc;
import org.provost.redis.Redis;
import org.provost.testing.MigratedDatabase;
import org.provost.testing.TestRedis;

/**
 * The session contract on what {@code serve} runs with Redis: PostgreSQL (one database per class) written
 * through to the machine's Redis (a key prefix per test). Each {@link #store} is another instance: its own
 * Redis connection over the same server and prefix, and the same database.
 */
class TieredSessionStoreTest extends SessionStoreContract {
  static MigratedDatabase database;
  private final List<Redis> connections = new ArrayList<>();
  private String prefix;

  @BeforeAll
  static void open() {
    database = MigratedDatabase.create();
  }

  @AfterAll
  static void close() {
    if (database != null) database.close();
  }

  @BeforeEach
  void freshPrefix() {
    prefix = TestRedis.prefix();
  }

  @AfterEach
  void cleanUp() {
    if (!connections.isEmpty()) TestRedis.deleteKeys(connections.getFirst());
    connections.forEach(Redis::close);
    connections.clear();
  }

  @Override
  SessionStore store() {
    Redis redis = TestRedis.connect(TestRedis.URL, prefix);
    connections.add(redis);
    return new TieredSessionStore(new PostgresSessionStore(database.db, IDLE), new RedisSessionStore(redis, IDLE),
        redis);
  }

  @Override
  long newUser(String username) {
    return database.db.write(c -> Jdbc.returningLong(c, """
        INSERT INTO users (username, email, username_key, email_key, type) VALUES (?, ?, ?, ?, 'staff')
        RETURNING id""", username, username + "@example.edu", username, username + "@example.edu"));
  }
}
