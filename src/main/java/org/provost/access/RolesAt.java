package org.provost.access;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The role graph at one instant (role names, includes, direct permissions), small enough to hold whole, and
 * the role chains through which a granted role carries a permission.
 *
 * <p>A chain is the granted role first, then each included role down to one that carries the permission
 * directly. Of several chains the shortest wins, then the first by role names compared element by element:
 * a breadth-first walk that visits included roles in name order finds exactly that one first (at each depth
 * the queue is in that order, by induction).
 */
final class RolesAt {
  private final Map<Long, String> names;
  private final Map<Long, List<Long>> includes;
  private final Map<Long, Set<String>> permissions;

  RolesAt(Map<Long, String> names, Map<Long, List<Long>> includes, Map<Long, Set<String>> permissions) {
    this.names = names;
    this.includes = new HashMap<>();
    Comparator<Long> byName = Comparator.comparing(this::name);
    includes.forEach((role, included) -> {
      List<Long> sorted = new ArrayList<>(included);
      sorted.sort(byName);
      this.includes.put(role, sorted);
    });
    this.permissions = permissions;
  }

  /** The role's name at the instant ({@code #<id>} if it had none, which a consistent history never shows). */
  String name(long role) {
    String n = names.get(role);
    return n == null ? "#" + role : n;
  }

  /** The roles that carry {@code permission}, directly or through includes, each with its chain. */
  Map<Long, List<String>> carriers(String permission) {
    Map<Long, List<String>> out = new HashMap<>();
    for (long role : names.keySet()) chains(role).entrySet().stream()
        .filter(e -> e.getKey().equals(permission)).findFirst().ifPresent(e -> out.put(role, e.getValue()));
    return out;
  }

  /** The chain through which {@code role} carries {@code permission}, if it does. */
  Optional<List<String>> chain(long role, String permission) {
    return Optional.ofNullable(chains(role).get(permission));
  }

  /**
   * Every permission {@code role} carries, each with its chain (role names), in the order found.
   */
  Map<String, List<String>> chains(long role) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    Map<Long, Long> parent = new HashMap<>();
    ArrayDeque<Long> queue = new ArrayDeque<>();
    parent.put(role, -1L);
    queue.add(role);
    while (!queue.isEmpty()) {
      long r = queue.poll();
      Set<String> direct = permissions.getOrDefault(r, Set.of());
      if (!direct.isEmpty()) {
        List<String> path = path(parent, r);
        for (String p : direct) out.putIfAbsent(p, path);
      }
      for (long next : includes.getOrDefault(r, List.of())) {
        if (!parent.containsKey(next)) {
          parent.put(next, r);
          queue.add(next);
        }
      }
    }
    return out;
  }

  private List<String> path(Map<Long, Long> parent, long end) {
    List<String> path = new ArrayList<>();
    for (long r = end; r != -1L; r = parent.get(r)) path.add(name(r));
    Collections.reverse(path);
    return List.copyOf(path);
  }
}
