package org.provost.roles;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.provost.db.Jdbc;
import org.provost.error.ServiceException;

/**
 * Every role with its direct permissions and includes, read in three queries whatever the number of roles;
 * closures and include paths are then walked in memory. Roles are few (tens), so writes load the whole
 * graph rather than reason about parts of it.
 */
final class RoleGraph {
  private final Map<String, Role> byName;

  private RoleGraph(Map<String, Role> byName) {
    this.byName = byName;
  }

  static RoleGraph load(Connection c) throws SQLException {
    Map<String, SortedSet<String>> permissions = new HashMap<>();
    Jdbc.list(c, """
        SELECT r.name, p.name FROM role_permissions rp
        JOIN roles r ON r.id = rp.role_id JOIN permissions p ON p.id = rp.permission_id""",
        rs -> permissions.computeIfAbsent(rs.getString(1), k -> new TreeSet<>()).add(rs.getString(2)));
    Map<String, SortedSet<String>> includes = new HashMap<>();
    Jdbc.list(c, """
        SELECT r.name, i.name FROM role_includes ri
        JOIN roles r ON r.id = ri.role_id JOIN roles i ON i.id = ri.included_role_id""",
        rs -> includes.computeIfAbsent(rs.getString(1), k -> new TreeSet<>()).add(rs.getString(2)));
    Map<String, Role> byName = new TreeMap<>();
    Jdbc.list(c, "SELECT id, name, description, builtin FROM roles", rs -> {
      String name = rs.getString("name");
      return byName.put(name, new Role(rs.getLong("id"), name, rs.getString("description"),
          rs.getBoolean("builtin"), permissions.getOrDefault(name, new TreeSet<>()),
          includes.getOrDefault(name, new TreeSet<>())));
    });
    return new RoleGraph(byName);
  }

  Optional<Role> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  Role get(String name) {
    return find(name).orElseThrow(() -> new ServiceException.NotFound("role", name));
  }

  /** Every role, by name. */
  Collection<Role> all() {
    return byName.values();
  }

  /** What a role carries: its own permissions and, transitively, those of every role it includes. */
  SortedSet<String> effectivePermissions(String role) {
    Role r = get(role);
    return effectivePermissions(r.permissions(), r.includes());
  }

  /** What a role defined with these permissions and includes would carry. */
  SortedSet<String> effectivePermissions(Collection<String> permissions, Collection<String> includes) {
    SortedSet<String> out = new TreeSet<>(permissions);
    for (Role r : reachable(includes)) out.addAll(r.permissions());
    return out;
  }

  /** True when {@code from} is {@code target} or includes it, directly or through other roles. */
  boolean reaches(String from, String target) {
    for (Role r : reachable(List.of(from))) {
      if (r.name().equals(target)) return true;
    }
    return false;
  }

  /** The roles named and every role they include, each once; unknown names are skipped. */
  private Set<Role> reachable(Collection<String> start) {
    Set<Role> seen = new HashSet<>();
    Deque<String> todo = new ArrayDeque<>(start);
    while (!todo.isEmpty()) {
      Role r = byName.get(todo.pop());
      if (r != null && seen.add(r)) todo.addAll(r.includes());
    }
    return seen;
  }

  JsonObject toJson(Role r) {
    return new JsonObject()
        .put("name", r.name())
        .put("description", r.description())
        .put("builtin", r.builtin())
        .put("permissions", new JsonArray(List.copyOf(r.permissions())))
        .put("includes", new JsonArray(List.copyOf(r.includes())))
        .put("effective_permissions", new JsonArray(List.copyOf(effectivePermissions(r.name()))));
  }
}
