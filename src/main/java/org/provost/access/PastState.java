package org.provost.access;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.provost.authz.Scope;
import org.provost.authz.Scopes;
import org.provost.db.Jdbc;

/**
 * The access model as it was at one instant, read from the {@code *_history} tables (migration V40): which
 * department, course or offering a scope name meant, the tree above it, users' accounts and the role graph.
 * Every lookup takes the version whose range {@code [from_at, to_at)} contains the instant. Inside one read
 * transaction; names are cached for the life of the object (one request).
 */
final class PastState {
  /** The version valid at the instant; binds the instant twice. */
  static final String AT = " from_at <= ? AND (to_at IS NULL OR to_at > ?)";

  private final Connection c;
  private final Instant at;
  private final Map<Scope, String> names = new HashMap<>();

  PastState(Connection c, Instant at) {
    this.c = c;
    this.at = at;
  }

  Instant at() {
    return at;
  }

  /** False when {@code at} is before history began (the V40 migration): older answers may miss changes. */
  boolean complete() throws SQLException {
    return Jdbc.one(c, "SELECT began_at FROM history_start", rs -> Jdbc.instant(rs, "began_at"))
        .map(began -> !at.isBefore(began)).orElse(false);
  }

  /** The scope a name meant at the instant; empty when nothing had that name then. */
  Optional<Scope> find(Scopes.Name name) throws SQLException {
    return switch (name.kind()) {
      case GLOBAL -> Optional.of(Scope.GLOBAL);
      case DEPARTMENT -> Jdbc.one(c, "SELECT id FROM department_history WHERE code = ? AND" + AT,
          rs -> Scope.department(rs.getLong(1)), name.code(), at, at);
      case COURSE -> Jdbc.one(c, "SELECT id FROM course_history WHERE code = ? AND" + AT,
          rs -> Scope.course(rs.getLong(1)), name.code(), at, at);
      case OFFERING -> Jdbc.one(c, """
          SELECT o.id FROM offering_history o
          JOIN course_history k ON k.id = o.course_id AND k.code = ?
               AND k.from_at <= ? AND (k.to_at IS NULL OR k.to_at > ?)
          JOIN term_history t ON t.id = o.term_id AND t.code = ?
               AND t.from_at <= ? AND (t.to_at IS NULL OR t.to_at > ?)
          WHERE o.from_at <= ? AND (o.to_at IS NULL OR o.to_at > ?)""", rs -> Scope.offering(rs.getLong(1)),
          name.code(), at, at, name.term(), at, at, at, at);
    };
  }

  /** True when the name ever meant something (at any recorded time, or now). */
  boolean everNamed(Scopes.Name name) throws SQLException {
    if (Scopes.find(c, name).isPresent()) return true;
    return switch (name.kind()) {
      case GLOBAL -> true;
      case DEPARTMENT -> Jdbc.one(c, "SELECT 1 FROM department_history WHERE code = ? LIMIT 1", rs -> true,
          name.code()).isPresent();
      case COURSE -> Jdbc.one(c, "SELECT 1 FROM course_history WHERE code = ? LIMIT 1", rs -> true,
          name.code()).isPresent();
      case OFFERING -> Jdbc.one(c, """
          SELECT 1 FROM offering_history o JOIN course_history k ON k.id = o.course_id
          JOIN term_history t ON t.id = o.term_id WHERE k.code = ? AND t.code = ? LIMIT 1""", rs -> true,
          name.code(), name.term()).isPresent();
    };
  }

  /**
   * Every scope that covered {@code scope} at the instant, itself first and global last: an offering's
   * course, that course's department then, and that department's ancestors then (at most 64 levels).
   */
  List<Scope> covering(Scope scope) throws SQLException {
    List<Scope> out = new ArrayList<>();
    out.add(scope);
    Long department = switch (scope.kind()) {
      case GLOBAL -> null;
      case DEPARTMENT -> scope.id();
      case COURSE -> courseDepartment(scope.id());
      case OFFERING -> {
        Optional<Long> course = Jdbc.one(c, "SELECT course_id FROM offering_history WHERE id = ? AND" + AT,
            rs -> rs.getLong(1), scope.id(), at, at);
        if (course.isEmpty()) yield null;
        out.add(Scope.course(course.get()));
        yield courseDepartment(course.get());
      }
    };
    Set<Long> seen = new HashSet<>();
    while (department != null && seen.add(department) && seen.size() <= 64) {
      Scope d = Scope.department(department);
      if (!d.equals(scope)) out.add(d);
      department = Jdbc.one(c, "SELECT parent_id FROM department_history WHERE id = ? AND" + AT,
          rs -> Optional.ofNullable(Jdbc.nullableLong(rs, "parent_id")), department, at, at)
          .flatMap(p -> p).orElse(null);
    }
    if (scope.kind() != Scope.Kind.GLOBAL) out.add(Scope.GLOBAL);
    return out;
  }

  private Long courseDepartment(long course) throws SQLException {
    return Jdbc.one(c, "SELECT department_id FROM course_history WHERE id = ? AND" + AT, rs -> rs.getLong(1),
        course, at, at).orElse(null);
  }

  /**
   * The API name a scope had at the instant ({@code department:CS}); for a row that did not exist then, the
   * name of its nearest recorded version, else {@code department:#<id>}.
   */
  String name(Scope scope) throws SQLException {
    String known = names.get(scope);
    if (known != null) return known;
    String name = switch (scope.kind()) {
      case GLOBAL -> "global";
      case DEPARTMENT -> "department:" + code("department_history", scope.id());
      case COURSE -> "course:" + code("course_history", scope.id());
      case OFFERING -> "offering:" + Jdbc.one(c, """
          SELECT course_id, term_id FROM offering_history WHERE id = ?
          ORDER BY (from_at <= ? AND (to_at IS NULL OR to_at > ?)) DESC, abs(extract(epoch FROM from_at - ?))
          LIMIT 1""", rs -> code("course_history", rs.getLong(1)) + "/" + code("term_history", rs.getLong(2)),
          scope.id(), at, at, at).orElse("#" + scope.id());
    };
    names.put(scope, name);
    return name;
  }

  /** The code of row {@code id} of a code-keeping history table at the instant, or its nearest version. */
  private String code(String table, long id) throws SQLException {
    return Jdbc.one(c, "SELECT code FROM " + table + " WHERE id = ?"
        + " ORDER BY (from_at <= ? AND (to_at IS NULL OR to_at > ?)) DESC, abs(extract(epoch FROM from_at - ?))"
        + " LIMIT 1", rs -> rs.getString(1), id, at, at, at).orElse("#" + id);
  }

  /** A department's code at the instant (null for null). */
  String departmentCode(Long department) throws SQLException {
    return department == null ? null : name(Scope.department(department)).substring("department:".length());
  }

  /**
   * The accounts of {@code ids} as they were at the instant; a user who did not exist yet is absent.
   */
  Map<Long, UserAt> users(Collection<Long> ids) throws SQLException {
    Map<Long, UserAt> out = new HashMap<>();
    if (ids.isEmpty()) return out;
    for (UserAt u : Jdbc.list(c, "SELECT id, username, display_name, type, department_id, is_active"
        + " FROM user_history WHERE id = ANY (?) AND" + AT, UserAt::read, ids.toArray(Long[]::new), at, at)) {
      out.put(u.id(), u);
    }
    return out;
  }

  /**
   * The usernames of {@code ids} at the instant; for an account that did not exist then (which a consistent
   * history never shows for a granter), its current one.
   */
  Map<Long, String> usernames(Collection<Long> ids) throws SQLException {
    Map<Long, String> out = new HashMap<>();
    users(ids).forEach((id, u) -> out.put(id, u.username()));
    List<Long> missing = ids.stream().filter(id -> !out.containsKey(id)).toList();
    if (!missing.isEmpty()) {
      Jdbc.list(c, "SELECT id, username FROM users WHERE id = ANY (?)",
          rs -> out.put(rs.getLong(1), rs.getString(2)), missing.toArray(Long[]::new));
    }
    return out;
  }

  /** The account at the instant, or (when it did not exist yet) its first recorded version, inactive. */
  Optional<UserAt> user(long id) throws SQLException {
    UserAt then = users(List.of(id)).get(id);
    if (then != null) return Optional.of(then);
    return Jdbc.one(c, "SELECT id, username, display_name, type, department_id, FALSE AS is_active"
        + " FROM user_history WHERE id = ? ORDER BY from_at LIMIT 1", UserAt::read, id);
  }

  /** The role graph at the instant: names, includes and direct permissions. */
  RolesAt roles() throws SQLException {
    Map<Long, String> roleNames = new HashMap<>();
    Jdbc.list(c, "SELECT id, name FROM role_history WHERE" + AT, rs -> roleNames.put(rs.getLong(1), rs.getString(2)),
        at, at);
    Map<Long, List<Long>> includes = new HashMap<>();
    Jdbc.list(c, "SELECT role_id, included_role_id FROM role_include_history WHERE" + AT,
        rs -> includes.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(rs.getLong(2)), at, at);
    Map<Long, Set<String>> permissions = new HashMap<>();
    Jdbc.list(c, """
        SELECT h.role_id, p.name FROM role_permission_history h JOIN permissions p ON p.id = h.permission_id
        WHERE h.from_at <= ? AND (h.to_at IS NULL OR h.to_at > ?)""",
        rs -> permissions.computeIfAbsent(rs.getLong(1), k -> new HashSet<>()).add(rs.getString(2)), at, at);
    return new RolesAt(roleNames, includes, permissions);
  }
}
