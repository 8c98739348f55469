package org.provost.sessions;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.provost.db.Jdbc;
import org.provost.redis.Redis;
import org.provost.testing.MigratedDatabase;
import org.provost.testing.TestRedis;

/**
 * The session contract on what {@code serve} runs with Redis: PostgreSQL (one database per class) written
 * through to the machine's Redis (a key prefix per test). Each {@link #store} is another instance: its own
 * Redis connection over the same server and prefix, and the same database, with PostgreSQL's idle
 * tolerance as {@code serve} sets it (a minute longer: its clock is written about once a minute).
 */
class TieredSessionStoreTest extends SessionStoreContract {
  @RegisterExtension
  static final MigratedDatabase.PerClass database = MigratedDatabase.perClass();
  private final List<Redis> connections = new ArrayList<>();
  private String prefix;

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

  /** A second pair of stores on this test's Redis prefix and database: another instance, or a restart. */
  private TieredSessionStore tiered(Redis redis) {
    return new TieredSessionStore(new PostgresSessionStore(database.db(), IDLE + SessionStores.DURABLE_TOUCH_MILLIS),
        new RedisSessionStore(redis, IDLE), redis);
  }

  @Test
  void aSessionWrittenIntoRedisAlone_isNoSession() {
    Redis redis = TestRedis.connect(TestRedis.URL, prefix);
    connections.add(redis);
    long eve = newUser("eve" + prefix.hashCode());
    byte[] forged = newHash();
    // someone with write access to Redis plants a session PostgreSQL never recorded
    new RedisSessionStore(redis, IDLE).create(forged, eve, "eve1", T0, T0 + LIFETIME);
    assertThat(new RedisSessionStore(redis, IDLE).find(forged, T0 + 1000)).isPresent();
    assertThat(tiered(redis).find(forged, T0 + 1000)).isEmpty();
  }

  @Test
  void aSessionEndedWhileRedisMissedTheRemoval_staysEndedAfterARestart() {
    Redis redis = TestRedis.connect(TestRedis.URL, prefix);
    connections.add(redis);
    long fay = newUser("fay" + prefix.hashCode());
    byte[] hash = newHash();
    long id = tiered(redis).create(hash, fay, "fay1", T0, T0 + LIFETIME);
    // the ending reached PostgreSQL only (Redis was unreachable, and the instance that owed the removal
    // restarted, forgetting it): Redis still holds a live-looking copy
    new PostgresSessionStore(database.db(), IDLE).end(id, fay);
    assertThat(new RedisSessionStore(redis, IDLE).find(hash, T0 + 1000)).isPresent();
    assertThat(tiered(redis).find(hash, T0 + 1000)).isEmpty();
  }

  @Test
  void aDeactivatedAccountsSession_isNoSession_whateverRedisKept() {
    Redis redis = TestRedis.connect(TestRedis.URL, prefix);
    connections.add(redis);
    long gus = newUser("gus" + prefix.hashCode());
    byte[] hash = newHash();
    tiered(redis).create(hash, gus, "gus1", T0, T0 + LIFETIME);
    database.db().write(c -> Jdbc.update(c, "UPDATE users SET is_active = false WHERE id = ?", gus));
    assertThat(tiered(redis).find(hash, T0 + 1000)).isEmpty();
  }

  @Override
  SessionStore store() {
    Redis redis = TestRedis.connect(TestRedis.URL, prefix);
    connections.add(redis);
    return tiered(redis);
  }

  @Override
  long newUser(String username) {
    return database.db().write(c -> Jdbc.returningLong(c, """
        INSERT INTO users (username, email, username_key, email_key, type) VALUES (?, ?, ?, ?, 'staff')
        RETURNING id""", username, username + "@example.edu", username, username + "@example.edu"));
  }
}
