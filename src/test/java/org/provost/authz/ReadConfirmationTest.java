package org.provost.authz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.provost.db.Changelog;
import org.provost.db.Jdbc;
import org.provost.error.ServiceException;
import org.provost.feed.Change;
import org.provost.http.Principal;
import org.provost.testing.MigratedDatabase;

/**
 * {@link Authority#confirmRead}: a read allowed from the index whose statement saw a later revision is
 * decided again, from the index once it has applied that revision (no SQL: the connection given is closed,
 * so any statement would throw), else from SQL on the read's connection. Each case revokes the reader's only
 * grant between the index's decision and the read, so the answer must be a refusal whichever way it is
 * decided. The index here applies changes only when the test hands them over (no change feed runs).
 */
class ReadConfirmationTest {
  @RegisterExtension
  static final MigratedDatabase.PerClass database = MigratedDatabase.perClass();

  @Test
  void aReadThatSawALaterRevision_isDecidedByTheIndexOnceCaughtUp_elseBySql() throws Exception {
    for (boolean indexCatchesUp : new boolean[] {true, false}) {
      String name = indexCatchesUp ? "reader_index" : "reader_sql";
      long[] ids = database.db().write(c -> {
        long user = Jdbc.returningLong(c, "INSERT INTO users (username, email, username_key, email_key, type)"
            + " VALUES (?, ?, ?, ?, 'staff') RETURNING id", name, name + "@x.example", name, name + "@x.example");
        long role = Jdbc.one(c, "SELECT id FROM roles WHERE name = 'registrar'", rs -> rs.getLong(1)).orElseThrow();
        long grant = Jdbc.returningLong(c, "INSERT INTO grants (user_id, role_id, scope_type, revision)"
            + " VALUES (?, ?, 0, ?) RETURNING id", user, role, Changelog.current(c) + 1);
        Changelog.record(c, Change.Entity.GRANT, grant, Change.Op.CREATE, user);
        return new long[] {user, grant};
      });
      Principal reader = Principal.user(ids[0], name, 1);
      try (AuthzIndex index = AuthzIndex.load(database.db())) {
        Authority authority = new Authority(new ConsistentAuthorizer(index), Clock.systemUTC());
        long decidedAt = authority.allowsFromIndex(reader, "users.read", Scope.GLOBAL);
        assertThat(decidedAt).as("%s: allowed by the index before the revoke", name).isGreaterThanOrEqualTo(0);
        long seen = database.db().write(c -> {
          Jdbc.update(c, "DELETE FROM grants WHERE id = ?", ids[1]);
          return Changelog.record(c, Change.Entity.GRANT, ids[1], Change.Op.DELETE, ids[0]);
        });
        assertThat(seen).isGreaterThan(decidedAt);
        if (indexCatchesUp) {
          index.apply(FeedEntries.after(database.db(), decidedAt));
          Connection closed = database.db().primary().getConnection();
          closed.close();
          assertThatThrownBy(() -> authority.confirmRead(closed, reader, "users.read", Scope.GLOBAL, decidedAt, seen))
              .as("decided from the index, without the connection").isInstanceOf(ServiceException.Forbidden.class);
        } else {
          database.db().read(c -> {
            assertThatThrownBy(() -> authority.confirmRead(c, reader, "users.read", Scope.GLOBAL, decidedAt, seen))
                .as("decided by SQL: the index never applied the revoke").isInstanceOf(ServiceException.Forbidden.class);
            // and a read that saw nothing newer than the decision needs no second decision
            authority.confirmRead(c, reader, "users.read", Scope.GLOBAL, decidedAt, decidedAt);
            return null;
          });
        }
      }
    }
  }
}
