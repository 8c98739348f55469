package org.provost.authz;

import java.util.HashMap;
import java.util.Map;

/**
 * The small, rarely changing half of the authorization index, immutable once built: permissions, roles
 * with their effective permission bitsets (includes resolved), and the scope tree (department parents,
 * course departments, offering courses) with every scope's API name. Arrays are indexed by database id.
 */
final class Catalog {
  static final Catalog EMPTY = new Builder().build();

  private final Map<String, Integer> permissionIds;
  private final String[] permissionNames;
  private final long[][] rolePermissions;
  private final String[] roleNames;
  private final long[] departmentParent;
  private final long[] courseDepartment;
  private final long[] offeringCourse;
  private final Map<String, Long> scopesByName;
  private final Map<Long, String> namesByScope;

  private Catalog(Builder b, long[][] rolePermissions) {
    this.permissionIds = b.permissionIds;
    this.permissionNames = b.permissionNames;
    this.rolePermissions = rolePermissions;
    this.roleNames = b.roleNames;
    this.departmentParent = b.departmentParent;
    this.courseDepartment = b.courseDepartment;
    this.offeringCourse = b.offeringCourse;
    this.scopesByName = b.scopesByName;
    this.namesByScope = b.namesByScope;
  }

  /** The permission's id, or -1 when unknown. */
  int permission(String name) {
    Integer id = permissionIds.get(name);
    return id == null ? -1 : id;
  }

  String permissionName(int id) {
    return id < permissionNames.length ? permissionNames[id] : null;
  }

  boolean roleHas(int role, int permission) {
    if (role >= rolePermissions.length) return false;
    long[] bits = rolePermissions[role];
    int word = permission >>> 6;
    return bits != null && word < bits.length && (bits[word] & (1L << permission)) != 0;
  }

  /**
   * The names of every permission {@code role} carries, its includes followed, in permission id order (empty
   * for an unknown role): one pass over the role's bitset, not over every permission.
   */
  java.util.List<String> permissionNames(int role) {
    java.util.List<String> out = new java.util.ArrayList<>();
    long[] bits = role >= 0 && role < rolePermissions.length ? rolePermissions[role] : null;
    for (int word = 0; bits != null && word < bits.length; word++) {
      for (long rest = bits[word]; rest != 0; rest &= rest - 1) {
        String name = permissionName(word * 64 + Long.numberOfTrailingZeros(rest));
        if (name != null) out.add(name);
      }
    }
    return out;
  }

  String roleName(int role) {
    return role < roleNames.length ? roleNames[role] : null;
  }

  /** The encoded scope for an API scope name, or -1 when no such scope exists. */
  long scope(String name) {
    if (name == null || name.isEmpty()) return ScopeCode.GLOBAL;
    Long s = scopesByName.get(name);
    return s == null ? -1 : s;
  }

  String scopeName(long scope) {
    return scope == ScopeCode.GLOBAL ? "global" : namesByScope.getOrDefault(scope, "unknown");
  }

  /** True when a grant on {@code grantScope} covers {@code resource}: itself, or an ancestor of it. */
  boolean covers(long grantScope, long resource) {
    if (grantScope == ScopeCode.GLOBAL || grantScope == resource) return true;
    int kind = ScopeCode.kind(resource);
    long id = ScopeCode.id(resource);
    if (kind == ScopeCode.OFFERING) {
      if (id >= offeringCourse.length || offeringCourse[(int) id] < 0) return false;
      id = offeringCourse[(int) id];
      kind = ScopeCode.COURSE;
      if (grantScope == ScopeCode.encode(kind, id)) return true;
    }
    if (kind == ScopeCode.COURSE) {
      if (id >= courseDepartment.length || courseDepartment[(int) id] < 0) return false;
      id = courseDepartment[(int) id];
      kind = ScopeCode.DEPARTMENT;
    }
    if (kind != ScopeCode.DEPARTMENT || ScopeCode.kind(grantScope) != ScopeCode.DEPARTMENT) return false;
    long target = ScopeCode.id(grantScope);
    for (int depth = 0; id >= 0 && depth < 64; depth++) {
      if (id == target) return true;
      id = id < departmentParent.length ? departmentParent[(int) id] : -1;
    }
    return false;
  }

  /** Collects rows from the database, then {@link #build} resolves role includes into bitsets. */
  static final class Builder {
    private final Map<String, Integer> permissionIds = new HashMap<>();
    private String[] permissionNames = new String[0];
    private String[] roleNames = new String[0];
    private final Map<Integer, long[]> directPermissions = new HashMap<>();
    private final Map<Integer, int[]> includes = new HashMap<>();
    private long[] departmentParent = new long[0];
    private long[] courseDepartment = new long[0];
    private long[] offeringCourse = new long[0];
    private final Map<String, Long> scopesByName = new HashMap<>();
    private final Map<Long, String> namesByScope = new HashMap<>();

    void permission(int id, String name) {
      permissionNames = grow(permissionNames, id);
      permissionNames[id] = name;
      permissionIds.put(name, id);
    }

    void role(int id, String name) {
      roleNames = grow(roleNames, id);
      roleNames[id] = name;
    }

    void rolePermission(int role, int permission) {
      long[] bits = directPermissions.computeIfAbsent(role, r -> new long[0]);
      int word = permission >>> 6;
      if (word >= bits.length) bits = java.util.Arrays.copyOf(bits, word + 1);
      bits[word] |= 1L << permission;
      directPermissions.put(role, bits);
    }

    void roleInclude(int role, int included) {
      int[] list = includes.getOrDefault(role, new int[0]);
      list = java.util.Arrays.copyOf(list, list.length + 1);
      list[list.length - 1] = included;
      includes.put(role, list);
    }

    void department(int id, String code, long parent) {
      departmentParent = grow(departmentParent, id);
      departmentParent[id] = parent;
      name(ScopeCode.encode(ScopeCode.DEPARTMENT, id), "department:" + code);
    }

    void course(int id, String code, long department) {
      courseDepartment = grow(courseDepartment, id);
      courseDepartment[id] = department;
      name(ScopeCode.encode(ScopeCode.COURSE, id), "course:" + code);
    }

    void offering(int id, String course, String term, long courseId) {
      offeringCourse = grow(offeringCourse, id);
      offeringCourse[id] = courseId;
      name(ScopeCode.encode(ScopeCode.OFFERING, id), "offering:" + course + "/" + term);
    }

    private void name(long scope, String name) {
      scopesByName.put(name, scope);
      namesByScope.put(scope, name);
    }

    Catalog build() {
      scopesByName.put("global", ScopeCode.GLOBAL);
      long[][] effective = new long[roleNames.length][];
      for (int role = 0; role < roleNames.length; role++) {
        if (roleNames[role] != null) effective[role] = closure(role);
      }
      return new Catalog(this, effective);
    }

    /** The role's permissions and those of every role it includes, transitively (cycles are harmless). */
    private long[] closure(int role) {
      long[] bits = new long[(permissionNames.length + 63) >>> 6];
      java.util.BitSet seen = new java.util.BitSet();
      java.util.ArrayDeque<Integer> todo = new java.util.ArrayDeque<>();
      todo.add(role);
      while (!todo.isEmpty()) {
        int r = todo.poll();
        if (seen.get(r)) continue;
        seen.set(r);
        long[] direct = directPermissions.get(r);
        if (direct != null) for (int w = 0; w < direct.length && w < bits.length; w++) bits[w] |= direct[w];
        for (int inc : includes.getOrDefault(r, new int[0])) todo.add(inc);
      }
      return bits;
    }

    private static String[] grow(String[] a, int id) {
      return id < a.length ? a : java.util.Arrays.copyOf(a, Math.max(id + 1, a.length * 2));
    }

    private static long[] grow(long[] a, int id) {
      if (id < a.length) return a;
      long[] b = java.util.Arrays.copyOf(a, Math.max(id + 1, a.length * 2));
      java.util.Arrays.fill(b, a.length, b.length, -1);
      return b;
    }
  }
}
