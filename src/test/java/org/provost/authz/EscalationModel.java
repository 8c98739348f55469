package org.provost.authz;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.provost.db.Jdbc;

/**
 * The escalation test's independent model of authority, computed straight from the tables with none of
 * the service's code: what each account and API key holds (grants valid now, role closures, the scope
 * tree), and whether one set of holdings covers another. A "world" is one snapshot of the tables.
 */
final class EscalationModel {
  private EscalationModel() {}

  /** A permission held on a scope: kind 0 global, 1 department, 2 course, 3 offering. */
  record Holding(String permission, int kind, long scope) {}

  /** One snapshot of everything that decides who holds what. */
  static final class World {
    final Map<Long, Long> departmentParent = new HashMap<>();
    final Map<Long, Long> courseDepartment = new HashMap<>();
    final Map<Long, Long> offeringCourse = new HashMap<>();
    final Map<Long, Set<Long>> includes = new HashMap<>();
    final Map<Long, Set<String>> direct = new HashMap<>();
    final Map<String, Long> roleIds = new HashMap<>();
    final Map<String, Long> userIds = new HashMap<>();
    final Map<Long, Boolean> active = new HashMap<>();
    final Map<Long, List<long[]>> grants = new HashMap<>();
    final Map<String, Key> keys = new HashMap<>();

    record Key(long owner, boolean revoked, Set<String> permissions) {}

    static World read(Connection c) {
      World w = new World();
      try {
        Jdbc.list(c, "SELECT id, coalesce(parent_id, -1) FROM departments",
            rs -> w.departmentParent.put(rs.getLong(1), rs.getLong(2)));
        Jdbc.list(c, "SELECT id, department_id FROM courses", rs -> w.courseDepartment.put(rs.getLong(1), rs.getLong(2)));
        Jdbc.list(c, "SELECT id, course_id FROM offerings", rs -> w.offeringCourse.put(rs.getLong(1), rs.getLong(2)));
        Jdbc.list(c, "SELECT id, name FROM roles", rs -> w.roleIds.put(rs.getString(2), rs.getLong(1)));
        Jdbc.list(c, "SELECT role_id, included_role_id FROM role_includes",
            rs -> w.includes.computeIfAbsent(rs.getLong(1), k -> new HashSet<>()).add(rs.getLong(2)));
        Jdbc.list(c, "SELECT rp.role_id, p.name FROM role_permissions rp JOIN permissions p ON p.id = rp.permission_id",
            rs -> w.direct.computeIfAbsent(rs.getLong(1), k -> new HashSet<>()).add(rs.getString(2)));
        Jdbc.list(c, "SELECT id, username, is_active FROM users", rs -> {
          w.userIds.put(rs.getString(2), rs.getLong(1));
          return w.active.put(rs.getLong(1), rs.getBoolean(3));
        });
        Jdbc.list(c, """
            SELECT user_id, role_id, scope_type, coalesce(scope_id, 0) FROM grants
            WHERE (valid_from IS NULL OR valid_from <= now()) AND (valid_until IS NULL OR valid_until > now())""",
            rs -> w.grants.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>())
                .add(new long[] {rs.getLong(2), rs.getLong(3), rs.getLong(4)}));
        Map<Long, Set<String>> keyPermissions = new HashMap<>();
        Jdbc.list(c, "SELECT kp.client_id, p.name FROM api_client_permissions kp JOIN permissions p ON p.id = kp.permission_id",
            rs -> keyPermissions.computeIfAbsent(rs.getLong(1), k -> new HashSet<>()).add(rs.getString(2)));
        Jdbc.list(c, "SELECT id, name, coalesce(owner_id, -1), revoked_at IS NOT NULL FROM api_clients",
            rs -> w.keys.put(rs.getString(2), new Key(rs.getLong(3), rs.getBoolean(4),
                keyPermissions.getOrDefault(rs.getLong(1), Set.of()))));
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
      return w;
    }

    /** A role's permissions and, transitively, those of the roles it includes. */
    Set<String> closure(long role) {
      Set<String> out = new HashSet<>();
      Set<Long> seen = new HashSet<>();
      ArrayDeque<Long> todo = new ArrayDeque<>(List.of(role));
      while (!todo.isEmpty()) {
        long r = todo.pop();
        if (!seen.add(r)) continue;
        out.addAll(direct.getOrDefault(r, Set.of()));
        todo.addAll(includes.getOrDefault(r, Set.of()));
      }
      return out;
    }

    /** What an account holds now: nothing when inactive or unknown. */
    Set<Holding> account(String username) {
      Set<Holding> out = new HashSet<>();
      Long id = userIds.get(username);
      if (id == null || !active.getOrDefault(id, false)) return out;
      for (long[] g : grants.getOrDefault(id, List.of())) {
        for (String p : closure(g[0])) out.add(new Holding(p, (int) g[1], g[1] == 0 ? 0 : g[2]));
      }
      return out;
    }

    /** What an API key holds: its permissions, where its active owner holds them. */
    Set<Holding> key(String name) {
      Set<Holding> out = new HashSet<>();
      Key k = keys.get(name);
      if (k == null || k.revoked() || k.owner() < 0 || !active.getOrDefault(k.owner(), false)) return out;
      String owner = userIds.entrySet().stream().filter(e -> e.getValue() == k.owner()).map(Map.Entry::getKey)
          .findFirst().orElse(null);
      for (Holding h : account(owner)) if (k.permissions().contains(h.permission())) out.add(h);
      return out;
    }

    /** True when a holding on {@code (kind, scope)} covers {@code target}: itself, or an ancestor. */
    boolean covers(int kind, long scope, int targetKind, long target) {
      if (kind == 0) return true;
      int k = targetKind;
      long id = target;
      for (int depth = 0; depth < 64; depth++) {
        if (k == kind && id == scope) return true;
        switch (k) {
          case 3 -> { id = offeringCourse.getOrDefault(id, -1L); k = 2; }
          case 2 -> { id = courseDepartment.getOrDefault(id, -1L); k = 1; }
          case 1 -> id = departmentParent.getOrDefault(id, -1L);
          default -> { return false; }
        }
        if (id < 0) return false;
      }
      return false;
    }

    /** True when some holding in {@code held} carries {@code wanted}'s permission on a scope covering it. */
    boolean covers(Collection<Holding> held, Holding wanted) {
      for (Holding h : held) {
        if (h.permission().equals(wanted.permission()) && covers(h.kind(), h.scope(), wanted.kind(), wanted.scope())) {
          return true;
        }
      }
      return false;
    }
  }
}
