package org.provost.authz;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.provost.db.Database;
import org.provost.db.Jdbc;
import org.provost.feed.Change;
import org.provost.testing.MigratedDatabase;

/**
 * The index against a plain SQL evaluation of the same question, over many random graphs and queries:
 * once after a full load, and again after random changes applied incrementally through the change feed's
 * entries; and what each user holds (AuthzIndex#holdings, the domination rule's input inside a write) against
 * Authority's HOLDINGS query. Any disagreement prints the seed that reproduces it.
 */
class IndexDifferentialTest {
  static final int GRAPHS = Integer.getInteger("provost.diff.graphs", 1000);
  static final int QUERIES = Integer.getInteger("provost.diff.queries", 30);
  @RegisterExtension
  static final MigratedDatabase.PerClass database = MigratedDatabase.perClass();

  /** /v1/me's permissions as earlier versions read them from SQL (user, now, now). */
  static final String ME_PERMISSIONS = """
      WITH RECURSIVE live AS (
        SELECT g.id, g.role_id, g.scope_type, g.scope_id FROM grants g JOIN users u ON u.id = g.user_id
        WHERE g.user_id = ? AND u.is_active
          AND (g.valid_from IS NULL OR g.valid_from <= ?) AND (g.valid_until IS NULL OR g.valid_until > ?)),
      closure (scope_type, scope_id, role_id) AS (
        SELECT scope_type, scope_id, role_id FROM live
        UNION SELECT c.scope_type, c.scope_id, ri.included_role_id
        FROM closure c JOIN role_includes ri ON ri.role_id = c.role_id),
      held AS (
        SELECT DISTINCT p.name AS permission, %s AS scope
        FROM closure g
        JOIN role_permissions rp ON rp.role_id = g.role_id JOIN permissions p ON p.id = rp.permission_id)
      SELECT permission, scope FROM held ORDER BY scope COLLATE "C", permission COLLATE "C\""""
      .formatted(Scopes.GRANT_SCOPE_NAME_SQL);

  @Test
  void index_agreesWithSql_onRandomGraphs_beforeAndAfterIncrementalChanges() {
    Database db = database.db();
    SqlAuthorizer sql = new SqlAuthorizer();
    long now = Instant.parse("2026-03-01T12:00:00Z").toEpochMilli();
    int compared = 0;
    int allowed = 0;
    int heldSomething = 0;
    int permitted = 0;
    for (int g = 0; g < GRAPHS; g++) {
      long seed = 7919L * g + 1;
      RandomGraph graph = new RandomGraph(seed, now);
      db.write(c -> {
        RandomGraph.clear(c);
        graph.write(c);
        return null;
      });
      // each graph's index closes its own connection (a thousand open ones exhaust the server)
      try (AuthzIndex index = AuthzIndex.load(db)) {
        for (int round = 0; round < 2; round++) {
          for (int q = 0; q < QUERIES; q++) {
            long user = graph.randomUser();
            String permission = graph.randomPermission();
            Scope scope = graph.randomScope();
            boolean expected = db.read(c -> sql.allowed(c, user, permission, scope, Instant.ofEpochMilli(now)));
            boolean actual = index.allowed(user, index.permission(permission), ScopeCode.of(scope), now);
            assertThat(actual).as("graph seed %d round %d: user %d, %s on %s", seed, round, user, permission, scope)
                .isEqualTo(expected);
            compared++;
            if (expected) allowed++;
            // half a millisecond later, through the Instant entry point (the one writes and read confirmations
            // use): the windows a microsecond either side of now must not be rounded to the millisecond
            Instant later = Instant.ofEpochMilli(now).plusNanos(500_000);
            boolean expectedLater = db.read(c -> sql.allowed(c, user, permission, scope, later));
            assertThat(index.allowed(null, user, permission, scope, later))
                .as("graph seed %d round %d: user %d, %s on %s, at %s", seed, round, user, permission, scope, later)
                .isEqualTo(expectedLater);
            // what the domination rule reads: everything the user holds through grants not ended
            List<String> sqlHoldings = db.read(c -> Jdbc.list(c, Authority.HOLDINGS,
                rs -> rs.getString(2) + "@" + rs.getShort(3) + ":" + rs.getLong(4), new Long[] {user},
                Instant.ofEpochMilli(now)));
            List<String> indexHoldings = index.holdings(user, Instant.ofEpochMilli(now)).stream()
                .map(h -> h.permission() + "@" + h.scope().kind().code() + ":" + h.scope().id()).toList();
            assertThat(indexHoldings).as("graph seed %d round %d: holdings of user %d", seed, round, user)
                .isEqualTo(sqlHoldings);
            if (!sqlHoldings.isEmpty()) heldSomething++;
            // what /v1/me shows of the user: every grant, and the permissions they give now (the SQL that
            // answered /v1/me in earlier versions, ordered by code point as the index orders them)
            AuthzIndex.UserView view = index.view(user, now);
            io.vertx.core.json.JsonObject body = Me.body(new io.vertx.core.json.JsonObject(), view);
            assertThat(body.getJsonArray("grants")).as("graph seed %d round %d: /v1/me grants of user %d", seed,
                round, user).isEqualTo(db.read(c -> GrantSummaries.forUsers(c, new Long[] {user}).get(user)));
            List<io.vertx.core.json.JsonObject> sqlPermissions = db.read(c -> Jdbc.list(c, ME_PERMISSIONS,
                rs -> new io.vertx.core.json.JsonObject().put("permission", rs.getString(1))
                    .put("scope", rs.getString(2)), user, Instant.ofEpochMilli(now), Instant.ofEpochMilli(now)));
            assertThat(body.getJsonArray("permissions").getList()).as("graph seed %d round %d: /v1/me permissions"
                + " of user %d", seed, round, user).isEqualTo(sqlPermissions);
            if (!sqlPermissions.isEmpty()) permitted++;
            // what the delegation rule reads: a role's permissions, its includes followed
            int pick = q;
            long role = db.read(c -> Jdbc.one(c, "SELECT id FROM roles ORDER BY id OFFSET ? % greatest(1,"
                + " (SELECT count(*) FROM roles)) LIMIT 1", rs -> rs.getLong(1), pick).orElse(0L));
            assertThat(index.rolePermissions(role)).as("graph seed %d round %d: role %d", seed, round, role)
                .isEqualTo(db.read(c -> Jdbc.list(c, Authority.ROLE_CLOSURE, rs -> rs.getString(1), role)));
          }
          long applied = index.revision();
          db.write(c -> {
            for (int m = 0; m < 4; m++) graph.mutate(c);
            return null;
          });
          List<Change> changes = FeedEntries.after(db, applied);
          if (!changes.isEmpty()) index.apply(changes);
        }
      }
    }
    System.out.printf("differential: %d graphs, %d comparisons, %d allowed%n", GRAPHS, compared, allowed);
    assertThat(allowed).as("the random graphs must exercise allowed answers too").isGreaterThan(compared / 15);
    assertThat(heldSomething).as("users holding something").isGreaterThan(compared / 4);
    assertThat(permitted).as("/v1/me views with permissions").isGreaterThan(compared / 5);
  }
}
