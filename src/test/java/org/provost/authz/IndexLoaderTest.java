package org.provost.authz;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.provost.db.Jdbc;
import org.provost.db.OwnConnection;
import org.provost.testing.MigratedDatabase;

/**
 * {@link IndexLoader#loadUsers}, the feed's one statement for a batch's users, against plain per-user SQL over
 * random graphs: users with grants and without, inactive ones, ids that name no user, in any order.
 */
class IndexLoaderTest {
  @RegisterExtension
  static final MigratedDatabase.PerClass database = MigratedDatabase.perClass();

  @Test
  void loadUsers_agreesWithPerUserSql_onRandomGraphs() {
    long now = Instant.parse("2026-03-01T12:00:00Z").toEpochMilli();
    int withGrants = 0;
    int without = 0;
    for (int g = 0; g < 60; g++) {
      long seed = 104_729L * g + 3;
      RandomGraph graph = new RandomGraph(seed, now);
      database.db().write(c -> {
        RandomGraph.clear(c);
        graph.write(c);
        return null;
      });
      List<Long> asked = new ArrayList<>(graph.users);
      java.util.Collections.shuffle(asked, new java.util.Random(seed));
      long missing = graph.users.stream().mapToLong(Long::longValue).max().orElse(0) + 1_000;
      asked.add(missing);
      List<IndexLoader.UserRow> rows = database.db().read(c -> IndexLoader.loadUsers(c, asked));

      assertThat(rows).extracting(IndexLoader.UserRow::id).as("seed %d: one row per id asked", seed)
          .containsExactlyInAnyOrderElementsOf(asked);
      for (IndexLoader.UserRow row : rows) {
        if (row.id() == missing) {
          assertThat(row.username()).as("seed %d: an id that names no user", seed).isNull();
          assertThat(row.grants()).isNull();
          continue;
        }
        Object[] user = database.db().read(c -> Jdbc.one(c, "SELECT username_key, is_active FROM users WHERE id = ?",
            rs -> new Object[] {rs.getString(1), rs.getBoolean(2)}, row.id())).orElseThrow();
        assertThat(row.username()).as("seed %d user %d", seed, row.id()).isEqualTo(user[0]);
        assertThat(row.active()).as("seed %d user %d", seed, row.id()).isEqualTo(user[1]);
        List<Long> expected = database.db().read(c -> Jdbc.list(c, """
            SELECT id, role_id, scope_type, coalesce(scope_id, 0),
              coalesce((extract(epoch FROM valid_from) * 1000000)::bigint, ?),
              coalesce((extract(epoch FROM valid_until) * 1000000)::bigint, ?)
            FROM grants WHERE user_id = ? ORDER BY id""", rs -> List.of(rs.getLong(1),
            UserTable.roleScope(rs.getInt(2), ScopeCode.encode(rs.getInt(3), rs.getLong(4))), rs.getLong(5),
            rs.getLong(6)), UserTable.NO_START, UserTable.NO_END, row.id())).stream().flatMap(List::stream).toList();
        List<Long> actual = row.grants() == null ? List.of() : Arrays.stream(row.grants()).boxed().toList();
        assertThat(actual).as("seed %d: grants of user %d, packed", seed, row.id()).isEqualTo(expected);
        if (expected.isEmpty()) without++;
        else withGrants++;
      }
    }
    assertThat(withGrants).as("users with grants compared").isGreaterThan(20);
    assertThat(without).as("users without grants compared").isGreaterThan(5);
  }

  @Test
  void theIndexsConnection_fullLoadInRepeatableRead_othersReadCommitted_andAFailedStatementLeavesItUsable() {
    try (OwnConnection own = AuthzIndex.connection(database.db())) {
      String inLoad = own.snapshot(c -> {
        IndexLoader.loadAll(c, new java.util.HashMap<>());
        return isolation(c);
      });
      assertThat(inLoad).as("the full load's snapshot").isEqualTo("repeatable read");
      assertThat(own.transaction(IndexLoaderTest::isolation)).as("the next transaction").isEqualTo("read committed");

      List<IndexLoader.UserRow> one = own.statement(c -> IndexLoader.loadUsers(c, List.of(1L)));
      assertThat(one).hasSize(1);
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> own.statement(c -> Jdbc.one(c,
          "SELECT no_such_column FROM users", rs -> rs.getLong(1)))).isInstanceOf(RuntimeException.class);
      boolean[] autoCommit = {true};
      String after = own.transaction(c -> {
        autoCommit[0] = c.getAutoCommit();
        return isolation(c);
      });
      assertThat(autoCommit[0]).as("a transaction after a failed statement is one").isFalse();
      assertThat(after).isEqualTo("read committed");
    }
  }

  /**
   * The feed's batch statement is planned once on the index's connection. PostgreSQL's default planned it again
   * at every execution (its generic plan assumes 10 ids where a batch holds 1 or 2): 0.3-0.4 ms of planning
   * for 0.04 ms of execution, under the two-instance mix (docs/PERFORMANCE.md). Every execution after pgjdbc
   * has prepared it (the fifth) must use the one generic plan, and answer as the custom plans did.
   */
  @Test
  void theIndexsConnection_plansTheBatchStatementOnce_withTheSameAnswers() {
    long now = Instant.parse("2026-03-01T12:00:00Z").toEpochMilli();
    RandomGraph graph = new RandomGraph(7, now);
    database.db().write(c -> {
      RandomGraph.clear(c);
      graph.write(c);
      return null;
    });
    try (OwnConnection own = AuthzIndex.connection(database.db())) {
      for (int i = 0; i < 12; i++) {
        List<Long> ids = List.of(graph.users.get(i % graph.users.size()));
        List<IndexLoader.UserRow> generic = own.statement(c -> IndexLoader.loadUsers(c, ids));
        List<IndexLoader.UserRow> planned = database.db().read(c -> IndexLoader.loadUsers(c, ids));
        assertThat(generic).as("execution %d, user %s", i, ids).usingRecursiveFieldByFieldElementComparator()
            .isEqualTo(planned);
      }
      long[] plans = own.statement(c -> Jdbc.one(c, "SELECT generic_plans, custom_plans FROM pg_prepared_statements"
          + " WHERE statement LIKE '%unnest(%'", rs -> new long[] {rs.getLong(1), rs.getLong(2)})).orElseThrow();
      assertThat(plans[1]).as("custom plans (a planning at each execution)").isZero();
      assertThat(plans[0]).as("executions of the generic plan").isGreaterThanOrEqualTo(8);
    }
  }

  private static String isolation(java.sql.Connection c) throws java.sql.SQLException {
    return Jdbc.one(c, "SHOW transaction_isolation", rs -> rs.getString(1)).orElseThrow();
  }
}
