package org.provost.provisioning;

import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.provost.audit.Audit;
import org.provost.authz.Scope;
import org.provost.config.Config.Argon2Params;
import org.provost.db.Changelog;
import org.provost.db.Database;
import org.provost.db.Jdbc;
import org.provost.db.Vacuum;
import org.provost.security.PasswordHasher;
import org.provost.users.Identifiers;

/**
 * Builds a seeded university in one transaction: the directory, then every person through one COPY, then
 * their roles. Every account shares one password, hashed once at the configured Argon2id cost, so the
 * load is bound by PostgreSQL, not by hashing. Rows already present are left alone, so a re-run with the
 * same seed adds nothing. One {@code bulk} changelog row makes every instance reload.
 */
public final class Seeder {
  private static final int ADVANCE_EVERY = 8192;
  private static final String INSERT_USERS = """
      INSERT INTO users (username, email, username_key, email_key, display_name, type, department_id,
                         is_active, is_verified, password_hash)
      SELECT username, email, username_key, email_key, display_name, type, department_id, TRUE, verified, ?
      FROM seed_users
      ON CONFLICT DO NOTHING""";
  // the new users' global roles in the same statement, from what the insert returns: no join back
  private static final String INSERT_USERS_WITH_ROLES = """
      WITH added AS (%s RETURNING id, type),
      granted AS (INSERT INTO grants (user_id, role_id, scope_type, scope_id, reason, revision)
                  SELECT a.id, r.id, 0, NULL, 'seed', ? FROM added a JOIN roles r ON r.name = a.type RETURNING 1)
      SELECT (SELECT count(*) FROM added), (SELECT count(*) FROM granted)""".formatted(INSERT_USERS);
  // for seeded users already present (a re-run, or an earlier run without --role-assign)
  private static final String GRANT_GLOBAL_ROLES = """
      INSERT INTO grants (user_id, role_id, scope_type, scope_id, reason, revision)
      SELECT u.id, r.id, 0, NULL, 'seed', ?
      FROM seed_users s JOIN users u ON u.username_key = s.username_key JOIN roles r ON r.name = s.type
      WHERE NOT EXISTS (SELECT 1 FROM grants g WHERE g.user_id = u.id AND g.role_id = r.id AND g.scope_type = 0
                        AND g.valid_from IS NULL AND g.valid_until IS NULL)""";
  // grants have no natural key, so re-runs are kept from duplicating them by this anti-join
  private static final String GRANT_SCOPED_ROLES = """
      INSERT INTO grants (user_id, role_id, scope_type, scope_id, valid_from, valid_until, reason, revision)
      SELECT u.id, s.role_id, s.scope_type, s.scope_id, s.valid_from, s.valid_until, 'seed', ?
      FROM seed_grants s JOIN users u ON u.username_key = s.username_key
      WHERE NOT EXISTS (SELECT 1 FROM grants g WHERE g.user_id = u.id AND g.role_id = s.role_id
                        AND g.scope_type = s.scope_type AND g.scope_id = s.scope_id
                        AND g.valid_from IS NOT DISTINCT FROM s.valid_from
                        AND g.valid_until IS NOT DISTINCT FROM s.valid_until)""";

  private final Database db;
  private final Argon2Params cost;
  private final Progress progress;

  public Seeder(Database db, Argon2Params cost, Progress progress) {
    this.db = db;
    this.cost = cost;
    this.progress = progress;
  }

  /** Seeds the university {@code o} describes; {@code actor} names who ran it in the audit log. */
  public SeedResult seed(SeedOptions o, String actor) {
    long started = System.nanoTime();
    // the one hash all seeded accounts share, computed while the directory and the people are copied
    CompletableFuture<String> hash = CompletableFuture.supplyAsync(() -> new PasswordHasher(cost).hash(o.password()));
    University u = new University(o);
    SeedResult seeded;
    try {
      seeded = load(o, actor, u, hash, started);
    } catch (RuntimeException | Error e) {
      progress.fail();
      throw e;
    }
    Vacuum.readTables(db.direct()); // after the commit: index-only scans and plans ready for the new rows
    return seeded;
  }

  private SeedResult load(SeedOptions o, String actor, University u, CompletableFuture<String> hash,
      long started) {
    return db.write(c -> {
      execute(c, "SET LOCAL work_mem = '128MB'");
      progress.begin("directory", (long) u.courses.size() * u.terms.size());
      SeedDirectory.Loaded directory = SeedDirectory.load(c, u);
      progress.end();
      int people = copyPeople(c, u, directory);
      long revision = Changelog.recordBulk(c, "seed");
      progress.begin(o.roleAssign() ? "users and roles" : "users: insert", 0);
      int users;
      int grants = 0;
      if (o.roleAssign()) {
        long[] added = Jdbc.one(c, INSERT_USERS_WITH_ROLES, rs -> new long[] {rs.getLong(1), rs.getLong(2)},
            hash.join(), revision).orElseThrow();
        users = (int) added[0];
        grants = (int) added[1];
        if (users < people) {
          execute(c, "ANALYZE seed_users"); // statistics for the join back; the insert alone needs none
          grants += Jdbc.update(c, GRANT_GLOBAL_ROLES, revision);
        }
      } else {
        users = Jdbc.update(c, INSERT_USERS, hash.join());
      }
      progress.end();
      if (o.roleAssign()) grants += assignScopedRoles(c, u, directory, revision);
      SeedResult result = new SeedResult(directory.departments(), directory.courses(), directory.terms(),
          directory.offerings(), users, grants, revision, (System.nanoTime() - started) / 1_000_000);
      Audit.record(c, null, actor, "seed.run", "bulk", "seed", null, new JsonObject()
          .put("options", new JsonObject().put("students", o.students()).put("faculty", o.faculty())
              .put("staff", o.staff()).put("departments", o.departments()).put("courses", o.courses())
              .put("terms", o.terms()).put("role_assign", o.roleAssign()).put("seed", o.seed())
              .put("today", o.today().toString()))
          .put("added", result.toJson()));
      return result;
    });
  }

  /** Copies every person into {@code seed_users}; returns how many. */
  private int copyPeople(Connection c, University u, SeedDirectory.Loaded directory) throws SQLException {
    execute(c, """
        CREATE TEMP TABLE seed_users (username text, email text, username_key text, email_key text,
                                      display_name text, type text, department_id bigint, verified boolean)
        ON COMMIT DROP""");
    long total = 0;
    for (University.Kind kind : University.Kind.values()) total += u.count(kind);
    progress.begin("users: copy", total);
    long done = 0;
    try (CopyRows rows = CopyRows.into(c, "seed_users",
        "username, email, username_key, email_key, display_name, type, department_id, verified")) {
      for (University.Kind kind : University.Kind.values()) {
        for (int number = 1; number <= u.count(kind); number++) {
          University.Person p = u.person(kind, number);
          rows.text(p.username()).text(p.email()).text(Identifiers.key(p.username()))
              .text(Identifiers.key(p.email())).text(p.displayName()).text(p.type())
              .number(p.department() < 0 ? null : directory.departmentIds()[p.department()])
              .bool(p.verified()).endRow();
          if (++done % ADVANCE_EVERY == 0) progress.advance(done);
        }
      }
      rows.finish();
    }
    progress.end();
    return (int) total;
  }

  private int assignScopedRoles(Connection c, University u, SeedDirectory.Loaded directory, long revision)
      throws SQLException {
    Map<String, Long> roleIds = new HashMap<>();
    Jdbc.list(c, "SELECT name, id FROM roles WHERE name IN ('instructor', 'teaching_assistant', 'department_admin')",
        rs -> roleIds.put(rs.getString(1), rs.getLong(2)));
    execute(c, """
        CREATE TEMP TABLE seed_grants (username_key text, role_id bigint, scope_type smallint, scope_id bigint,
                                       valid_from timestamptz, valid_until timestamptz) ON COMMIT DROP""");
    progress.begin("roles: scoped", 0);
    try (CopyRows rows = CopyRows.into(c, "seed_grants",
        "username_key, role_id, scope_type, scope_id, valid_from, valid_until")) {
      u.scopedGrants(g -> {
        Long role = roleIds.get(g.role());
        if (role == null) throw new IllegalStateException("the built-in role " + g.role() + " is missing");
        Scope.Kind kind = g.onOffering() ? Scope.Kind.OFFERING : Scope.Kind.DEPARTMENT;
        long scopeId = g.onOffering() ? directory.offeringIdByName().get(g.scopeCode())
            : directory.departmentIdByCode().get(g.scopeCode());
        rows.text(Identifiers.key(g.username())).number(role).number(kind.code()).number(scopeId)
            .instant(g.term() == null ? null : g.term().validFrom())
            .instant(g.term() == null ? null : g.term().validUntil()).endRow();
      });
      rows.finish();
    }
    execute(c, "ANALYZE seed_grants");
    int grants = Jdbc.update(c, GRANT_SCOPED_ROLES, revision);
    progress.end();
    return grants;
  }

  static void execute(Connection c, String... statements) throws SQLException {
    try (Statement st = c.createStatement()) {
      for (String sql : statements) st.execute(sql);
    }
  }
}
