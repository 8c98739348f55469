package org.provost.sessions;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.provost.db.Jdbc;
import org.provost.testing.MigratedDatabase;

/**
 * The session contract on the {@code sessions} table of a real PostgreSQL database (one per class; every
 * test makes users of its own). Each {@link #store} has its own connection pool, as an instance would.
 */
class PostgresSessionStoreTest extends SessionStoreContract {
  @RegisterExtension
  static final MigratedDatabase.PerClass database = MigratedDatabase.perClass();

  @Override
  SessionStore store() {
    return new PostgresSessionStore(database.db(), IDLE);
  }

  @Override
  long newUser(String username) {
    String name = username; // each contract test names its users differently
    return database.db().write(c -> Jdbc.returningLong(c, """
        INSERT INTO users (username, email, username_key, email_key, type) VALUES (?, ?, ?, ?, 'staff')
        RETURNING id""", name, name + "@example.edu", name, name + "@example.edu"));
  }
}
