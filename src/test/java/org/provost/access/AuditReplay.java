package org.provost.access;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An independent model of who holds what, built only by replaying {@code /v1/audit} events over a starting
 * snapshot (the built-in roles and the directory written before the events began), for
 * {@link AccessReplayTest}. It shares no code with production: its own scope walk, its own role chains
 * (every simple include path, the shortest and then the first by names), its own validity rule.
 */
final class AuditReplay {
  record GrantM(long id, long user, String role, String scope, String validFrom, String validUntil, String reason,
      Long grantedBy) {}

  record UserM(long id, String username, String department, boolean active) {}

  final Map<String, Set<String>> permissions = new HashMap<>();
  final Map<String, Set<String>> includes = new HashMap<>();
  final Map<String, String> departments = new HashMap<>(); // code -> parent code (null at the top)
  final Map<String, String> courses = new HashMap<>(); // code -> department code
  final Map<Long, UserM> users = new HashMap<>();
  final Map<Long, GrantM> grants = new HashMap<>();

  AuditReplay copy() {
    AuditReplay m = new AuditReplay();
    permissions.forEach((k, v) -> m.permissions.put(k, new HashSet<>(v)));
    includes.forEach((k, v) -> m.includes.put(k, new HashSet<>(v)));
    m.departments.putAll(departments);
    m.courses.putAll(courses);
    m.users.putAll(users);
    m.grants.putAll(grants);
    return m;
  }

  /** Applies one audit event ({@code {action, target, before, after}}); events it does not model are skipped. */
  void apply(JsonObject e) {
    JsonObject before = e.getJsonObject("before");
    JsonObject after = e.getJsonObject("after");
    switch (e.getString("action")) {
      case "grant.create" -> grants.put(after.getLong("id"), new GrantM(after.getLong("id"), after.getLong("user"),
          after.getString("role"), after.getString("scope"), after.getString("valid_from"),
          after.getString("valid_until"), after.getString("reason"), after.getLong("granted_by")));
      case "grant.revoke" -> grants.remove(before.getLong("id"));
      case "role.create", "role.update", "role.delete" -> {
        if (before != null) {
          permissions.remove(before.getString("name"));
          includes.remove(before.getString("name"));
        }
        if (after != null) {
          permissions.put(after.getString("name"), strings(after.getJsonArray("permissions")));
          includes.put(after.getString("name"), strings(after.getJsonArray("includes")));
        }
      }
      // the product's rule: the built-in admin role holds every permission, one defined later too
      case "permission.create" -> permissions.get("admin").add(after.getString("name"));
      case "department.create", "department.update" -> departments.put(after.getString("code"),
          after.getString("parent"));
      case "department.delete" -> departments.remove(before.getString("code"));
      case "course.create", "course.update" -> courses.put(after.getString("code"), after.getString("department"));
      case "course.delete" -> courses.remove(before.getString("code"));
      case "user.bootstrap", "user.create", "user.update", "user.deactivate", "user.password_reset" -> {
        if (after != null) {
          users.put(after.getLong("id"), new UserM(after.getLong("id"), after.getString("username"),
              after.getString("department"), after.getBoolean("active")));
        }
      }
      default -> { }
    }
  }

  private static Set<String> strings(JsonArray a) {
    Set<String> out = new HashSet<>();
    a.forEach(x -> out.add((String) x));
    return out;
  }

  /** The scopes covering a resource name: itself, its course, the department chain, global. */
  List<String> covering(String resource) {
    List<String> out = new ArrayList<>();
    out.add(resource);
    String department = null;
    if (resource.startsWith("offering:")) {
      String course = resource.substring("offering:".length(), resource.indexOf('/'));
      out.add("course:" + course);
      department = courses.get(course);
    } else if (resource.startsWith("course:")) {
      department = courses.get(resource.substring("course:".length()));
    } else if (resource.startsWith("department:")) {
      department = departments.get(resource.substring("department:".length())); // its parent
    }
    for (int depth = 0; department != null && depth < 64; depth++) {
      out.add("department:" + department);
      department = departments.get(department);
    }
    if (!resource.equals("global")) out.add("global");
    return out;
  }

  /** The chain through which {@code role} carries {@code permission}: every simple path, least by (length, names). */
  List<String> chain(String role, String permission) {
    List<List<String>> found = new ArrayList<>();
    walk(new ArrayList<>(List.of(role)), permission, found);
    Comparator<List<String>> order = Comparator.<List<String>>comparingInt(List::size).thenComparing((a, b) -> {
      for (int i = 0; i < a.size(); i++) {
        int c = a.get(i).compareTo(b.get(i));
        if (c != 0) return c;
      }
      return 0;
    });
    return found.stream().min(order).orElse(null);
  }

  private void walk(List<String> path, String permission, List<List<String>> found) {
    String last = path.getLast();
    if (permissions.getOrDefault(last, Set.of()).contains(permission)) found.add(List.copyOf(path));
    for (String next : includes.getOrDefault(last, Set.of())) {
      if (path.contains(next)) continue;
      path.add(next);
      walk(path, permission, found);
      path.removeLast();
    }
  }

  /** Every permission anywhere in {@code role}'s includes. */
  Set<String> carried(String role) {
    Set<String> out = new TreeSet<>();
    Set<String> seen = new HashSet<>();
    List<String> todo = new ArrayList<>(List.of(role));
    while (!todo.isEmpty()) {
      String r = todo.removeLast();
      if (!seen.add(r)) continue;
      out.addAll(permissions.getOrDefault(r, Set.of()));
      todo.addAll(includes.getOrDefault(r, Set.of()));
    }
    return out;
  }

  static boolean inWindow(GrantM g, Instant at) {
    return (g.validFrom() == null || !Instant.parse(g.validFrom()).isAfter(at))
        && (g.validUntil() == null || Instant.parse(g.validUntil()).isAfter(at));
  }

  JsonObject grantJson(GrantM g, List<String> chain) {
    return new JsonObject().put("id", g.id()).put("role", g.role()).put("role_chain", new JsonArray(chain))
        .put("scope", g.scope()).put("valid_from", g.validFrom()).put("valid_until", g.validUntil())
        .put("granted_by", g.grantedBy() == null ? null
            : new JsonObject().put("id", g.grantedBy()).put("username", users.get(g.grantedBy()).username()))
        .put("reason", g.reason());
  }

  /** The expected access review items at {@code at} (this model being the state at that instant). */
  JsonArray review(String permission, String resource, Instant at) {
    Set<String> scopes = new HashSet<>(covering(resource));
    Map<Long, List<GrantM>> byUser = new TreeMap<>();
    for (GrantM g : grants.values()) {
      UserM u = users.get(g.user());
      if (u == null || !u.active() || !scopes.contains(g.scope()) || !inWindow(g, at)) continue;
      if (chain(g.role(), permission) == null) continue;
      byUser.computeIfAbsent(g.user(), k -> new ArrayList<>()).add(g);
    }
    JsonArray items = new JsonArray();
    byUser.forEach((id, list) -> {
      UserM u = users.get(id);
      JsonArray gs = new JsonArray();
      list.stream().sorted(Comparator.comparingLong(GrantM::id)).forEach(g -> gs.add(grantJson(g, chain(g.role(),
          permission))));
      items.add(new JsonObject().put("user", new JsonObject().put("id", id).put("username", u.username())
          .put("department", u.department())).put("grants", gs));
    });
    return items;
  }

  /** The expected {@code permissions} of {@code /v1/users/{id}/access} at {@code at}. */
  JsonArray access(long user, Instant at) {
    JsonArray out = new JsonArray();
    UserM u = users.get(user);
    if (u == null || !u.active()) return out;
    Map<String, Map<String, List<GrantM>>> held = new TreeMap<>();
    for (GrantM g : grants.values()) {
      if (g.user() != user || !inWindow(g, at)) continue;
      for (String p : carried(g.role())) {
        held.computeIfAbsent(p, k -> new TreeMap<>()).computeIfAbsent(g.scope(), k -> new ArrayList<>()).add(g);
      }
    }
    held.forEach((p, byScope) -> byScope.forEach((scope, list) -> {
      JsonArray gs = new JsonArray();
      list.stream().sorted(Comparator.comparingLong(GrantM::id)).forEach(g -> gs.add(grantJson(g, chain(g.role(), p))));
      out.add(new JsonObject().put("permission", p).put("scope", scope).put("grants", gs));
    }));
    return out;
  }
}
