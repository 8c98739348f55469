package org.provost.authz;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.provost.db.Changelog;
import org.provost.feed.Change;
import org.provost.db.Jdbc;

/**
 * A small random university written straight to PostgreSQL: a department forest, courses, terms,
 * offerings, roles with random permissions and includes (cycles too), users (some inactive) and grants
 * whose validity windows lie in the past, around now, or in the future.
 */
final class RandomGraph {
  final Random random;
  final long now;
  final List<Long> users = new ArrayList<>();
  final List<String> permissions = new ArrayList<>();
  final List<Long> permissionIds = new ArrayList<>();
  final List<Long> roles = new ArrayList<>();
  final List<Scope> scopes = new ArrayList<>();
  final List<Long> grants = new ArrayList<>();
  final List<Long> departments = new ArrayList<>();

  RandomGraph(long seed, long now) {
    this.random = new Random(seed);
    this.now = now;
  }

  static void clear(Connection c) throws SQLException {
    Jdbc.update(c, """
        DELETE FROM grants; DELETE FROM sessions; DELETE FROM api_client_permissions; DELETE FROM api_clients;
        DELETE FROM users; DELETE FROM offerings; DELETE FROM terms; DELETE FROM courses;
        UPDATE departments SET parent_id = NULL; DELETE FROM departments; DELETE FROM role_includes;
        DELETE FROM role_permissions; DELETE FROM roles; DELETE FROM permissions""");
  }

  void write(Connection c) throws SQLException {
    int permissionCount = 1 + random.nextInt(4);
    for (int i = 0; i < permissionCount; i++) {
      String name = "p" + i + ".do";
      permissionIds.add(Jdbc.returningLong(c, "INSERT INTO permissions (name) VALUES (?) RETURNING id", name));
      permissions.add(name);
    }
    int roleCount = 1 + random.nextInt(5);
    for (int i = 0; i < roleCount; i++) {
      long id = Jdbc.returningLong(c, "INSERT INTO roles (name) VALUES (?) RETURNING id", "r" + i);
      roles.add(id);
      for (int p = 0; p < permissionCount; p++) {
        if (random.nextBoolean()) {
          Jdbc.update(c, "INSERT INTO role_permissions (role_id, permission_id) VALUES (?, ?)", id,
              permissionIds.get(p));
        }
      }
    }
    for (long role : roles) {
      for (long other : roles) {
        if (role != other && random.nextInt(4) == 0) {
          Jdbc.update(c, "INSERT INTO role_includes (role_id, included_role_id) VALUES (?, ?)", role, other);
        }
      }
    }
    scopes.add(Scope.GLOBAL);
    int departmentCount = 1 + random.nextInt(6);
    for (int i = 0; i < departmentCount; i++) {
      Long parent = departments.isEmpty() || random.nextInt(4) == 0 ? null
          : departments.get(random.nextInt(departments.size()));
      long id = Jdbc.returningLong(c, "INSERT INTO departments (code, name, parent_id) VALUES (?, ?, ?) RETURNING id",
          "D" + i, "Department " + i, parent);
      departments.add(id);
      scopes.add(Scope.department(id));
    }
    List<Long> courses = new ArrayList<>();
    for (int i = 0, n = random.nextInt(5); i < n; i++) {
      long id = Jdbc.returningLong(c, "INSERT INTO courses (code, title, department_id) VALUES (?, ?, ?) RETURNING id",
          "C" + i, "Course " + i, departments.get(random.nextInt(departments.size())));
      courses.add(id);
      scopes.add(Scope.course(id));
    }
    List<Long> terms = new ArrayList<>();
    for (int i = 0, n = 1 + random.nextInt(2); i < n; i++) {
      terms.add(Jdbc.returningLong(c, """
          INSERT INTO terms (code, name, starts_on, ends_on) VALUES (?, ?, DATE '2026-01-01', DATE '2026-06-01')
          RETURNING id""", "t" + i, "Term " + i));
    }
    for (long course : courses) {
      for (long term : terms) {
        if (random.nextBoolean()) {
          long id = Jdbc.returningLong(c, "INSERT INTO offerings (course_id, term_id) VALUES (?, ?) RETURNING id",
              course, term);
          scopes.add(Scope.offering(id));
        }
      }
    }
    for (int i = 0, n = 1 + random.nextInt(5); i < n; i++) {
      users.add(Jdbc.returningLong(c, """
          INSERT INTO users (username, email, username_key, email_key, type, is_active)
          VALUES (?, ?, ?, ?, 'student', ?) RETURNING id""",
          "u" + i, "u" + i + "@x.example", "u" + i, "u" + i + "@x.example", random.nextInt(5) != 0));
    }
    for (int i = 0, n = 2 + random.nextInt(14); i < n; i++) addGrant(c);
  }

  void addGrant(Connection c) throws SQLException {
    Scope scope = scopes.get(random.nextInt(scopes.size()));
    Instant[] window = window();
    long revision = Changelog.current(c) + 1;
    long user = users.get(random.nextInt(users.size()));
    long id = Jdbc.returningLong(c, """
        INSERT INTO grants (user_id, role_id, scope_type, scope_id, valid_from, valid_until, revision)
        VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id""", user,
        roles.get(random.nextInt(roles.size())), scope.kind().code(), scope.scopeIdOrNull(), window[0], window[1],
        revision);
    Changelog.record(c, Change.Entity.GRANT, id, Change.Op.CREATE, user);
    grants.add(id);
  }

  /**
   * No window, or one in the past, around now, or in the future; some with an end a microsecond either side
   * of now (PostgreSQL keeps microseconds: an index that rounded them to milliseconds would answer at now
   * what SQL does not), some at an arbitrary microsecond.
   */
  private Instant[] window() {
    long hour = 3_600_000;
    Instant at = Instant.ofEpochMilli(now);
    return switch (random.nextInt(9)) {
      case 5 -> new Instant[] {at.plusNanos(1_000), null};
      case 6 -> new Instant[] {null, at.plusNanos(1_000)};
      case 7 -> new Instant[] {at.minusNanos(1_000), at.plusMillis(hour).plusNanos(123_456_000)};
      case 8 -> new Instant[] {at.minusMillis(hour).minusNanos(654_321_000), at.minusNanos(1_000)};
      case 0 -> new Instant[] {Instant.ofEpochMilli(now - 2 * hour), Instant.ofEpochMilli(now - hour)};
      case 1 -> new Instant[] {Instant.ofEpochMilli(now - hour), Instant.ofEpochMilli(now + hour)};
      case 2 -> new Instant[] {Instant.ofEpochMilli(now + hour), null};
      case 3 -> new Instant[] {null, Instant.ofEpochMilli(now)};
      default -> new Instant[] {null, null};
    };
  }

  /** Random writes of every kind the change feed carries, each recorded in the changelog. */
  void mutate(Connection c) throws SQLException {
    switch (random.nextInt(6)) {
      case 0 -> addGrant(c);
      case 1 -> {
        if (!grants.isEmpty()) {
          long id = grants.remove(random.nextInt(grants.size())).longValue();
          Jdbc.update(c, "DELETE FROM grants WHERE id = ?", id);
          // recorded without its owner, as rows written before changes named one: the index finds it itself
          Changelog.record(c, Change.Entity.GRANT, id, Change.Op.REVOKE, Change.NO_USER);
        }
      }
      case 2 -> {
        long user = users.get(random.nextInt(users.size()));
        Jdbc.update(c, "UPDATE users SET is_active = NOT is_active WHERE id = ?", user);
        Changelog.recordUser(c, user, Change.Op.UPDATE);
      }
      case 3 -> {
        long role = roles.get(random.nextInt(roles.size()));
        Jdbc.update(c, "DELETE FROM role_permissions WHERE role_id = ?", role);
        Jdbc.update(c, "INSERT INTO role_permissions (role_id, permission_id) VALUES (?, ?)", role,
            permissionIds.get(random.nextInt(permissionIds.size())));
        Changelog.record(c, Change.Entity.ROLE, role, Change.Op.UPDATE, Change.NO_USER);
      }
      case 4 -> {
        long role = roles.get(random.nextInt(roles.size()));
        long other = roles.get(random.nextInt(roles.size()));
        if (role != other) {
          Jdbc.update(c, "INSERT INTO role_includes VALUES (?, ?) ON CONFLICT DO NOTHING", role, other);
          Changelog.record(c, Change.Entity.ROLE, role, Change.Op.UPDATE, Change.NO_USER);
        }
      }
      default -> {
        long child = departments.get(random.nextInt(departments.size()));
        Jdbc.update(c, "UPDATE departments SET parent_id = NULL WHERE id = ?", child);
        Changelog.record(c, Change.Entity.DEPARTMENT, child, Change.Op.MOVE, Change.NO_USER);
      }
    }
  }

  long randomUser() {
    return random.nextInt(8) == 0 ? 999_999 : users.get(random.nextInt(users.size()));
  }

  String randomPermission() {
    return random.nextInt(10) == 0 ? "no.such" : permissions.get(random.nextInt(permissions.size()));
  }

  Scope randomScope() {
    return scopes.get(random.nextInt(scopes.size()));
  }
}
