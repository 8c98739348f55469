package org.provost.authz;

import static org.assertj.core.api.Assertions.fail;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.provost.authz.EscalationModel.Holding;
import org.provost.authz.EscalationModel.World;
import org.provost.testing.AccessFixture;
import org.provost.testing.Http.Response;
import org.provost.testing.TestServer;

/**
 * The authority rule, attacked at random. People of every rank (global admin, registrar, department
 * administrators, an instructor, students) and the API keys they make issue random sequences of real API
 * calls: grants, revokes, password resets, ended sessions, new accounts, deactivations, re-homing, role
 * edits, keys (made, rotated, taken over), department and course moves. Whoever learns an account's password (by resetting it, or by creating the
 * account) controls it from then on, as does whoever holds an API key.
 *
 * <p>After every step the invariant is checked against {@link EscalationModel}, computed from the tables
 * with none of the service's code: <em>no party holds a permission in a scope it did not hold before the
 * step, unless the step's actor held it there</em> (nobody holds anything that someone who held it did not
 * give them; controlling an account counts as holding what it holds). On a violation the sequence is
 * shrunk by replaying it without each step in turn on fresh servers, and the shortest failing sequence is
 * printed. {@code -Dprovost.escalation.seed=} replays a seed, {@code -Dprovost.escalation.steps=} sets the
 * length.
 */
class AuthorityEscalationTest {
  static final int STEPS = Integer.getInteger("provost.escalation.steps", 2500);
  static final String[] ROLES = {"admin", "registrar", "department_admin", "instructor", "teaching_assistant",
      "student", "faculty", "staff"};
  static final String[] SCOPES = {"global", "department:SCI", "department:CS", "department:MATH", "course:CS101",
      "course:MATH201", "offering:CS101/2026-fall", "offering:MATH201/2026-fall"};
  static final String[] DEPARTMENTS = {"SCI", "CS", "MATH"};
  static final String[] PERMISSIONS = {"users.read", "users.write", "grants.read", "grants.write", "roles.write",
      "directory.write", "audit.read", "clients.write", "imports.run", "grades.write", "roster.read",
      "authz.check", "library.borrow"};

  /** One API call, replayable by name: {@code actor} is {@code u:<username>} or {@code k:<key name>}. */
  record Step(String op, String actor, String target, String role, String scope, List<String> permissions) {
    @Override
    public String toString() {
      return op + " by " + actor + (target == null ? "" : " on " + target) + (role == null ? "" : " role " + role)
          + (scope == null ? "" : " at " + scope) + (permissions == null ? "" : " " + permissions);
    }
  }

  @Test
  void randomSequences_neverGiveAnyPartyWhatTheActorDidNotHold() {
    long seed = Long.getLong("provost.escalation.seed", System.nanoTime());
    List<Step> steps = new ArrayList<>();
    String violation;
    try (Run run = new Run()) {
      violation = run.generate(new Random(seed), STEPS, steps);
      System.out.printf("escalation: seed %d, %d steps, %d succeeded%n", seed, steps.size(), run.succeeded);
    }
    if (violation == null) return;
    List<Step> shortest = shrink(steps);
    StringBuilder sb = new StringBuilder("seed " + seed + ": " + violation + "\nshortest sequence found ("
        + shortest.size() + " steps):\n");
    for (Step s : shortest) sb.append("  ").append(s).append('\n');
    fail(sb.toString());
  }

  /** Replays without each step in turn (last first), keeping removals that still fail; bounded in time. */
  private static List<Step> shrink(List<Step> failing) {
    List<Step> best = new ArrayList<>(failing);
    long deadline = System.nanoTime() + 90_000_000_000L;
    for (int i = best.size() - 2; i >= 0 && System.nanoTime() < deadline; i--) {
      List<Step> candidate = new ArrayList<>(best);
      candidate.remove(i);
      try (Run run = new Run()) {
        if (run.replay(candidate) != null) best = candidate;
      }
    }
    return best;
  }

  /** One server and the parties acting on it. */
  static final class Run implements AutoCloseable {
    final TestServer server = TestServer.start();
    final AccessFixture fx = new AccessFixture(server).directory();
    /** Which party controls each credential. */
    final Map<String, String> party = new LinkedHashMap<>();
    final Map<String, String> passwords = new HashMap<>();
    final Map<String, String> keys = new HashMap<>();
    final Map<String, String> tokens = new HashMap<>();
    /** The model's own connection: it reads the tables directly. */
    final java.sql.Connection db;
    World world;
    int succeeded;
    int serial;

    Run() {
      String admin = fx.adminToken();
      account("admin", TestServer.ADMIN_PASSWORD);
      person(admin, "reg", null, "registrar", "global");
      person(admin, "da_cs", "CS", "department_admin", "department:CS");
      person(admin, "da_math", "MATH", "department_admin", "department:MATH");
      person(admin, "da_sci", "SCI", "department_admin", "department:SCI");
      person(admin, "inst", "CS", "instructor", "offering:CS101/2026-fall");
      person(admin, "ta", "MATH", "teaching_assistant", "offering:MATH201/2026-fall");
      person(admin, "stu", "CS", "student", "global");
      person(admin, "fac", "MATH", "faculty", "global");
      try {
        db = java.sql.DriverManager.getConnection(server.jdbcUrl());
      } catch (java.sql.SQLException e) {
        throw new IllegalStateException(e);
      }
      world = World.read(db);
    }

    private void person(String admin, String name, String department, String role, String scope) {
      fx.grant(admin, fx.user(name, department), role, scope);
      account(name, AccessFixture.PASSWORD);
    }

    private void account(String name, String password) {
      party.put("u:" + name, name);
      passwords.put(name, password);
    }

    /** Random steps until {@code count} or a violation (returned); every step is appended to {@code out}. */
    String generate(Random random, int count, List<Step> out) {
      for (int i = 0; i < count; i++) {
        Step step = next(random);
        out.add(step);
        String violation = apply(step);
        if (violation != null) return "step " + (i + 1) + " (" + step + "): " + violation;
      }
      return null;
    }

    String replay(List<Step> steps) {
      for (Step s : steps) {
        String violation = apply(s);
        if (violation != null) return violation;
      }
      return null;
    }

    private Step next(Random r) {
      List<String> creds = new ArrayList<>(party.keySet());
      // the admin acts a quarter of the time, so the world keeps growing grants, keys and people to attack
      String actor = r.nextInt(4) == 0 ? "u:admin" : creds.get(r.nextInt(creds.size()));
      List<String> users = new ArrayList<>(passwords.keySet());
      String target = users.get(r.nextInt(users.size()));
      int dice = r.nextInt(100);
      if (dice < 30) return new Step("grant", actor, target, pick(r, ROLES), pick(r, SCOPES), null);
      if (dice < 45) {
        List<String[]> grants = grants();
        if (!grants.isEmpty()) {
          String[] g = grants.get(r.nextInt(grants.size()));
          return new Step("revoke", actor, g[0], g[1], g[2], null);
        }
      }
      if (dice < 55) return new Step("reset_password", actor, target, null, null, null);
      if (dice < 60) return new Step("create_user", actor, "u" + (++serial), null, pick(r, DEPARTMENTS), null);
      if (dice < 68) return new Step(r.nextBoolean() ? "deactivate" : "reactivate", actor, target, null, null, null);
      if (dice < 72) return new Step("move_user", actor, target, null, pick(r, DEPARTMENTS), null);
      if (dice < 82) {
        return new Step(r.nextBoolean() ? "add_permission" : "remove_permission", actor, null, pick(r, ROLES), null,
            List.of(pick(r, PERMISSIONS)));
      }
      if (dice < 89) {
        List<String> perms = new ArrayList<>();
        for (int k = 1 + r.nextInt(3); k > 0; k--) perms.add(pick(r, PERMISSIONS));
        return new Step("create_key", actor, "key" + (++serial), null, null, perms);
      }
      if (dice < 93) {
        String child = pick(r, DEPARTMENTS);
        String parent = r.nextInt(4) == 0 ? null : pick(r, DEPARTMENTS);
        return new Step("move_department", actor, child, null, parent, null);
      }
      if (dice < 96) {
        return new Step("move_course", actor, r.nextBoolean() ? "CS101" : "MATH201", null, pick(r, DEPARTMENTS), null);
      }
      if (dice < 98 && !keys.isEmpty()) {
        List<String> names = new ArrayList<>(keys.keySet());
        return new Step(r.nextBoolean() ? "rotate_key" : "take_over_key", actor,
            names.get(r.nextInt(names.size())), null, null, null);
      }
      if (dice < 99) return new Step(r.nextBoolean() ? "end_sessions" : "end_session", actor, target, null, null, null);
      return new Step("own_password", actor, null, null, null, null);
    }

    private static String pick(Random r, String[] from) {
      return from[r.nextInt(from.length)];
    }

    /** (username, role) of every grant, in id order. */
    private List<String[]> grants() {
      try {
        return org.provost.db.Jdbc.list(db, """
            SELECT u.username, r.name FROM grants g JOIN users u ON u.id = g.user_id JOIN roles r ON r.id = g.role_id
            ORDER BY g.id""", rs -> new String[] {rs.getString(1), rs.getString(2), null});
      } catch (java.sql.SQLException e) {
        throw new IllegalStateException(e);
      }
    }

    /** Executes one step; returns the invariant's violation, or null. */
    String apply(Step s) {
      World before = world;
      Map<String, Set<Holding>> held = holdings(before);
      String actorParty = party.get(s.actor());
      Set<Holding> actorHeld = actorParty == null ? Set.of() : held.getOrDefault(actorParty, Set.of());
      String token = token(s.actor(), false);
      if (token != null && execute(s, token, before)) succeeded++;
      World after = World.read(db);
      world = after;
      for (Map.Entry<String, Set<Holding>> e : holdings(after).entrySet()) {
        Set<Holding> had = held.getOrDefault(e.getKey(), Set.of());
        for (Holding h : e.getValue()) {
          if (!before.covers(had, h) && !before.covers(actorHeld, h)) {
            return "party " + e.getKey() + " now holds " + h.permission() + " on scope " + h.kind() + ":" + h.scope()
                + ", which it did not hold and " + s.actor() + " did not hold either";
          }
        }
      }
      return null;
    }

    /** What each party holds through every account and key it controls. */
    private Map<String, Set<Holding>> holdings(World w) {
      Map<String, Set<Holding>> out = new HashMap<>();
      party.forEach((cred, p) -> out.computeIfAbsent(p, k -> new java.util.HashSet<>())
          .addAll(cred.startsWith("u:") ? w.account(cred.substring(2)) : w.key(cred.substring(2))));
      return out;
    }

    /** The credential's bearer token: a key, or a session (logging in when there is none or {@code fresh}). */
    private String token(String cred, boolean fresh) {
      if (cred.startsWith("k:")) return keys.get(cred.substring(2));
      String user = cred.substring(2);
      String t = fresh ? null : tokens.get(user);
      if (t != null) return t;
      Response r = server.http.post("/v1/sessions", null, new JsonObject().put("username", user)
          .put("password", passwords.get(user)));
      t = r.status() == 201 ? r.json().getString("token") : null;
      if (t == null) tokens.remove(user);
      else tokens.put(user, t);
      return t;
    }

    /** True when the call succeeded (2xx); records what the actor now controls. */
    private boolean execute(Step s, String token, World w) {
      Response r = call(s, token, w);
      if (r != null && r.status() == 401 && s.actor().startsWith("u:")) {
        // the session ended (a password change, a deactivation): log in again, if the actor still can
        String again = token(s.actor(), true);
        if (again != null) r = call(s, again, w);
      }
      if (r != null && r.status() >= 500) throw new AssertionError(s + " answered " + r);
      return r != null && r.status() < 300;
    }

    private Response call(Step s, String token, World w) {
      var http = server.http;
      java.util.function.ToLongFunction<String> userId = name -> w.userIds.getOrDefault(name, 0L);
      String actorParty = party.get(s.actor());
      Response r = switch (s.op()) {
        case "grant" -> fx.tryGrant(token, userId.applyAsLong(s.target()), s.role(), s.scope());
        case "revoke" -> {
          long grant = count("""
              SELECT coalesce((SELECT g.id FROM grants g JOIN users u ON u.id = g.user_id JOIN roles r ON r.id = g.role_id
              WHERE u.username = ? AND r.name = ? ORDER BY g.id LIMIT 1), 0)""", s.target(), s.role());
          yield http.delete("/v1/grants/" + grant, token);
        }
        case "reset_password" -> {
          String password = "reset-" + s.target() + "-" + (++serial) + "-pw";
          Response x = http.patch("/v1/users/" + userId.applyAsLong(s.target()), token, new JsonObject().put("password", password));
          if (x.status() == 200) {
            passwords.put(s.target(), password);
            party.put("u:" + s.target(), actorParty);
            tokens.remove(s.target());
          }
          yield x;
        }
        case "create_user" -> {
          String password = "created-" + s.target() + "-pw";
          Response x = http.post("/v1/users", token, new JsonObject().put("username", s.target())
              .put("email", s.target() + "@uni.test").put("type", "student").put("department", s.scope())
              .put("password", password));
          if (x.status() == 201) {
            passwords.put(s.target(), password);
            party.put("u:" + s.target(), actorParty);
          }
          yield x;
        }
        case "deactivate", "reactivate" -> http.patch("/v1/users/" + userId.applyAsLong(s.target()), token,
            new JsonObject().put("active", s.op().equals("reactivate")));
        case "move_user" -> http.patch("/v1/users/" + userId.applyAsLong(s.target()), token,
            new JsonObject().put("department", s.scope()));
        case "add_permission", "remove_permission" -> {
          Response role = http.get("/v1/roles/" + s.role(), token);
          if (role.status() != 200) yield role;
          List<String> perms = new ArrayList<>(role.json().getJsonArray("permissions").stream().map(String::valueOf).toList());
          if (s.op().equals("add_permission")) perms.addAll(s.permissions());
          else perms.removeAll(s.permissions());
          yield http.patch("/v1/roles/" + s.role(), token, new JsonObject().put("permissions",
              new JsonArray(perms.stream().distinct().toList())));
        }
        case "create_key" -> {
          Response x = http.post("/v1/clients", token, new JsonObject().put("name", s.target())
              .put("permissions", new JsonArray(s.permissions().stream().distinct().toList())));
          if (x.status() == 201) {
            keys.put(s.target(), x.json().getString("key"));
            party.put("k:" + s.target(), actorParty);
          }
          yield x;
        }
        case "rotate_key", "take_over_key" -> {
          long id = count("SELECT coalesce((SELECT id FROM api_clients WHERE name = ?), 0)", s.target());
          String self = s.actor().startsWith("u:") ? s.actor().substring(2) : "nobody";
          Response x = s.op().equals("rotate_key") ? http.post("/v1/clients/" + id + "/rotate", token, new JsonObject())
              : http.patch("/v1/clients/" + id, token, new JsonObject().put("owner", self));
          if (x.status() == 200) { // the rotator now holds the only working secret
            keys.put(s.target(), x.json().getString("key"));
            party.put("k:" + s.target(), actorParty);
          }
          yield x;
        }
        case "end_sessions" -> http.delete("/v1/users/" + userId.applyAsLong(s.target()) + "/sessions", token);
        case "end_session" -> {
          long uid = userId.applyAsLong(s.target());
          long sid = count("SELECT coalesce(max(id), 0) FROM sessions WHERE user_id = ? AND revoked_at IS NULL", uid);
          yield http.delete("/v1/users/" + uid + "/sessions/" + sid, token);
        }
        case "move_department" -> http.patch("/v1/departments/" + s.target(), token,
            new JsonObject().put("parent", s.scope()));
        case "move_course" -> http.patch("/v1/courses/" + s.target(), token,
            new JsonObject().put("department", s.scope()));
        case "own_password" -> {
          if (!s.actor().startsWith("u:")) yield null;
          String user = s.actor().substring(2);
          String password = "own-" + user + "-" + (++serial) + "-pw";
          Response x = http.post("/v1/me/password", token, new JsonObject()
              .put("current_password", passwords.get(user)).put("new_password", password));
          if (x.status() == 200) {
            passwords.put(user, password);
            tokens.put(user, token);
          }
          yield x;
        }
        default -> throw new IllegalStateException(s.op());
      };
      return r;
    }

    private long count(String sql, Object... params) {
      try {
        return org.provost.db.Jdbc.returningLong(db, sql, params);
      } catch (java.sql.SQLException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public void close() {
      try {
        db.close();
      } catch (java.sql.SQLException e) {
        // closing anyway
      }
      server.close();
    }
  }
}
