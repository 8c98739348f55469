package org.provost.grants;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.provost.db.Changelog;
import org.provost.db.GroupCommit;
import org.provost.db.Jdbc;
import org.provost.testing.AccessFixture;
import org.provost.testing.Http.Response;
import org.provost.testing.TestServer;

/**
 * Group commit must not change any answer: a group of grants and revokes committed together in one
 * transaction (db.GroupCommit) answers each write, and leaves the tables, exactly as the same writes sent one
 * at a time do. Two servers on two databases start from the same university; random rounds of grants and
 * revokes by people of every rank (two global admins, a registrar, department administrators, an instructor)
 * run one at a time on the first ({@code S}) and queued into groups on the second ({@code G}: the writer
 * lock is held from outside while the round's writes queue, in order, then let go). Each step's status and
 * error code, and the grants after each round, must be the same in both.
 *
 * <p>This is what attacks the group's shortcut: inside a group the index, which has not seen the group's
 * earlier writes, still answers for users those writes did not touch. A revoke of an actor's role followed in
 * the same group by that actor's grant must be refused as it is when the two run apart. The escalation test
 * (authz.AuthorityEscalationTest) proves the one-at-a-time answers right; this proves the grouped ones equal
 * to them. {@code -Dprovost.groupcommit.seed=} replays a seed.
 */
class GroupCommitDifferentialTest {
  private static final String[] ROLES = {"admin", "registrar", "department_admin", "instructor",
      "teaching_assistant", "student", "faculty", "staff"};
  private static final String[] SCOPES = {"global", "department:SCI", "department:CS", "department:MATH",
      "course:CS101", "course:MATH201", "offering:CS101/2026-fall", "offering:MATH201/2026-fall"};
  private static final String[] ACTORS = {"admin", "adm2", "reg", "da_cs", "da_math", "da_sci", "inst"};
  private static final String[] PEOPLE = {"adm2", "reg", "da_cs", "da_math", "da_sci", "inst", "ta", "stu", "fac",
      "stu2"};
  private static final int ROUNDS = Integer.getInteger("provost.groupcommit.rounds", 25);

  /** A grant or revoke, by name: a revoke names the grant (holder, role, scope) held when its round starts. */
  record Step(boolean grant, String actor, String holder, String role, String scope) {
    @Override
    public String toString() {
      return (grant ? "grant " : "revoke ") + role + " at " + scope + (grant ? " to " : " of ") + holder + " by "
          + actor;
    }
  }

  @Test
  void groupedWrites_answerAndLeaveExactlyWhatTheSameWritesOneAtATimeDo() throws Exception {
    long seed = Long.getLong("provost.groupcommit.seed", System.nanoTime());
    Random random = new Random(seed);
    try (World s = new World(); World g = new World();
         ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
      int steps = 0;
      for (int round = 0; round < ROUNDS; round++) {
        List<String> held = s.grants();
        assertThat(g.grants()).as("seed %d: grants before round %d", seed, round).isEqualTo(held);
        List<Step> plan = new ArrayList<>();
        int size = 2 + random.nextInt(15);
        for (int i = 0; i < size; i++) plan.add(step(random, held));
        List<String> alone = new ArrayList<>();
        for (Step step : plan) alone.add(s.run(step));
        List<String> grouped = g.runGrouped(plan, senders);
        steps += plan.size();
        for (int i = 0; i < plan.size(); i++) {
          if (!alone.get(i).equals(grouped.get(i))) {
            fail("seed " + seed + ", round " + round + ", step " + i + " (" + plan.get(i) + "): one at a time "
                + alone.get(i) + ", grouped " + grouped.get(i) + "\nround: " + plan + "\nbefore: " + held);
          }
        }
        assertThat(g.grants()).as("seed %d: grants after round %d %s", seed, round, plan).isEqualTo(s.grants());
        // the audit trail too: the same events, in the same order, each naming the request that caused it
        assertThat(g.audit()).as("seed %d: audit after round %d %s", seed, round, plan).isEqualTo(s.audit());
      }
      GroupCommit committer = g.server.app().database().groupCommit();
      System.out.printf("group commit differential: seed %d, %d steps, %d writes in %d groups%n", seed, steps,
          committer.writes(), committer.groups());
      // not vacuous: the grouped world did commit writes together
      assertThat(committer.groups()).as("groups").isLessThan(committer.writes());
    }
  }

  private static Step step(Random random, List<String> held) {
    String actor = ACTORS[random.nextInt(ACTORS.length)];
    if (held.isEmpty() || random.nextInt(10) < 6) {
      String holder = random.nextInt(8) == 0 ? actor : PEOPLE[random.nextInt(PEOPLE.length)];
      return new Step(true, actor, holder, ROLES[random.nextInt(ROLES.length)], SCOPES[random.nextInt(SCOPES.length)]);
    }
    String[] grant = held.get(random.nextInt(held.size())).split(" ");
    return new Step(false, actor, grant[0], grant[1], grant[2]);
  }

  /** One server, its university and its people's sessions. */
  private static final class World implements AutoCloseable {
    final TestServer server = TestServer.start();
    final AccessFixture fx = new AccessFixture(server).directory();
    final Map<String, String> tokens = new HashMap<>();
    final Map<String, Long> ids = new HashMap<>();

    World() {
      String admin = fx.adminToken();
      tokens.put("admin", admin);
      ids.put("admin", fx.id("admin"));
      person(admin, "adm2", null, "admin", "global");
      person(admin, "reg", null, "registrar", "global");
      person(admin, "da_cs", "CS", "department_admin", "department:CS");
      person(admin, "da_math", "MATH", "department_admin", "department:MATH");
      person(admin, "da_sci", "SCI", "department_admin", "department:SCI");
      person(admin, "inst", "CS", "instructor", "offering:CS101/2026-fall");
      person(admin, "ta", "MATH", "teaching_assistant", "offering:MATH201/2026-fall");
      person(admin, "stu", "CS", "student", "department:CS");
      person(admin, "fac", "MATH", "faculty", "department:MATH");
      person(admin, "stu2", null, null, null);
    }

    private void person(String admin, String name, String department, String role, String scope) {
      long id = fx.user(name, department);
      ids.put(name, id);
      if (role != null) fx.grant(admin, id, role, scope);
      tokens.put(name, fx.login(name));
    }

    /** Every grant, keyed {@code "holder role scope"}. */
    private static final String HELD = """
        SELECT g.id, u.username || ' ' || r.name || ' ' || CASE g.scope_type WHEN 0 THEN 'global'
          WHEN 1 THEN 'department:' || d.code WHEN 2 THEN 'course:' || co.code
          ELSE 'offering:' || oc.code || '/' || t.code END AS key
        FROM grants g JOIN users u ON u.id = g.user_id JOIN roles r ON r.id = g.role_id
        LEFT JOIN departments d ON g.scope_type = 1 AND d.id = g.scope_id
        LEFT JOIN courses co ON g.scope_type = 2 AND co.id = g.scope_id
        LEFT JOIN offerings o ON g.scope_type = 3 AND o.id = g.scope_id
        LEFT JOIN courses oc ON oc.id = o.course_id LEFT JOIN terms t ON t.id = o.term_id""";

    /** Every grant as {@code "holder role scope"}, sorted. */
    List<String> grants() {
      try (Connection c = DriverManager.getConnection(server.jdbcUrl())) {
        return Jdbc.list(c, "SELECT key FROM (" + HELD + ") h ORDER BY 1", rs -> rs.getString(1));
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    }

    /**
     * Every grant and revoke event in id order, without ids (a group that rolled back and ran its writes
     * again alone took sequence numbers the other world did not): action, actor, holder, role, scope, and
     * whether it names a request.
     */
    List<String> audit() {
      try (Connection c = DriverManager.getConnection(server.jdbcUrl())) {
        return Jdbc.list(c, """
            SELECT a.action || ' by ' || a.actor || ': ' || u.username || ' '
              || (coalesce(a.after, a.before) ->> 'role') || ' ' || (coalesce(a.after, a.before) ->> 'scope')
              || CASE WHEN a.request_id IS NULL THEN ' (no request id)' ELSE '' END
            FROM audit_events a JOIN users u ON u.id = (coalesce(a.after, a.before)->>'user')::bigint
            WHERE a.action IN ('grant.create', 'grant.revoke') ORDER BY a.id""", rs -> rs.getString(1));
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    }

    /** The id of the grant "holder role scope" held now, or 0 (a revoke of it answers 404). */
    long grantId(Step step) {
      try (Connection c = DriverManager.getConnection(server.jdbcUrl())) {
        return Jdbc.one(c, "SELECT id FROM (" + HELD + ") h WHERE key = ?", rs -> rs.getLong(1),
            step.holder() + " " + step.role() + " " + step.scope()).orElse(0L);
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    }

    /** Sends one step and answers its outcome as {@code "<status> <code>"}. */
    String run(Step step) {
      return outcome(send(step, step.grant() ? 0 : grantId(step)));
    }

    private Response send(Step step, long grantId) {
      String token = tokens.get(step.actor());
      if (step.grant()) {
        return server.http.post("/v1/users/" + ids.get(step.holder()) + "/grants", token,
            new JsonObject().put("role", step.role()).put("scope", step.scope()).put("reason", "differential"));
      }
      return server.http.delete("/v1/grants/" + grantId, token);
    }

    private static String outcome(Response r) {
      if (r.status() < 300) return String.valueOf(r.status());
      return r.status() + " " + r.json().getString("code");
    }

    /**
     * Sends the steps so that they commit in groups, in order: the writer lock is held from outside, each
     * step is sent once the one before it waits in the group commit, then the lock is let go.
     */
    List<String> runGrouped(List<Step> plan, ExecutorService senders) throws Exception {
      List<Long> grantIds = new ArrayList<>();
      for (Step step : plan) grantIds.add(step.grant() ? 0 : grantId(step));
      GroupCommit committer = server.app().database().groupCommit();
      List<CompletableFuture<Response>> answers = new ArrayList<>();
      try (Connection lock = DriverManager.getConnection(server.jdbcUrl())) {
        lock.setAutoCommit(false);
        Jdbc.returningLong(lock, "SELECT 1 FROM pg_advisory_xact_lock(?)", Changelog.LOCK_KEY);
        for (int i = 0; i < plan.size(); i++) {
          Step step = plan.get(i);
          long grantId = grantIds.get(i);
          answers.add(CompletableFuture.supplyAsync(() -> send(step, grantId), senders));
          long deadline = System.nanoTime() + 10_000_000_000L;
          while (committer.pending() < i + 1) {
            if (System.nanoTime() > deadline) fail("step " + i + " never reached the group commit: " + step);
            Thread.sleep(1);
          }
        }
        lock.commit();
      }
      List<String> out = new ArrayList<>();
      for (CompletableFuture<Response> a : answers) out.add(outcome(a.get()));
      return out;
    }

    @Override
    public void close() {
      server.close();
    }
  }
}
