package org.provost.authz;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.provost.db.Jdbc;
import org.provost.error.ServiceException;

/**
 * Scope names as the API spells them ({@code global}, {@code department:CS}, {@code course:CS101},
 * {@code offering:CS101/2026-fall}) to and from stored scopes, and the chain of scopes that cover one.
 */
public final class Scopes {
  private Scopes() {}

  /** A scope name split into its kind and code(s), not yet looked up. */
  public record Name(Scope.Kind kind, String code, String term) {}

  /** Parses a scope name; null or blank means global. Throws InvalidInput naming {@code field}. */
  public static Name parse(String field, String text) {
    if (text == null || text.isBlank() || text.equals("global")) return new Name(Scope.Kind.GLOBAL, "", "");
    int colon = text.indexOf(':');
    String prefix = colon < 0 ? "" : text.substring(0, colon);
    String rest = colon < 0 ? "" : text.substring(colon + 1);
    if (rest.isEmpty() || rest.length() > 200) {
      throw new ServiceException.InvalidInput(field,
          "must be global, department:<code>, course:<code> or offering:<course>/<term>");
    }
    return switch (prefix) {
      case "department" -> new Name(Scope.Kind.DEPARTMENT, rest, "");
      case "course" -> new Name(Scope.Kind.COURSE, rest, "");
      case "offering" -> {
        int slash = rest.indexOf('/');
        if (slash <= 0 || slash == rest.length() - 1) {
          throw new ServiceException.InvalidInput(field, "an offering is named offering:<course>/<term>");
        }
        yield new Name(Scope.Kind.OFFERING, rest.substring(0, slash), rest.substring(slash + 1));
      }
      default -> throw new ServiceException.InvalidInput(field,
          "must be global, department:<code>, course:<code> or offering:<course>/<term>");
    };
  }

  /** Looks a scope name up; empty when the department, course or offering does not exist. */
  public static Optional<Scope> find(Connection c, Name name) throws SQLException {
    return switch (name.kind()) {
      case GLOBAL -> Optional.of(Scope.GLOBAL);
      case DEPARTMENT -> Jdbc.one(c, "SELECT id FROM departments WHERE code = ?",
          rs -> Scope.department(rs.getLong(1)), name.code());
      case COURSE -> Jdbc.one(c, "SELECT id FROM courses WHERE code = ?",
          rs -> Scope.course(rs.getLong(1)), name.code());
      case OFFERING -> Jdbc.one(c, """
          SELECT o.id FROM offerings o JOIN courses c ON c.id = o.course_id JOIN terms t ON t.id = o.term_id
          WHERE c.code = ? AND t.code = ?""", rs -> Scope.offering(rs.getLong(1)), name.code(), name.term());
    };
  }

  /** A scope as stored, and its API name. */
  public record Found(Scope scope, String name) {}

  /**
   * A statement to find a scope by its API name, lock its row {@code FOR KEY SHARE} until the transaction ends
   * and name it ({@link #find}, {@link #lockAgainstDelete} and {@link #name} at once), for writes that name a
   * scope (grants), as a {@code LATERAL} subquery of their first statement. Columns: {@code id} (NULL for
   * global) and {@code name} (the API name); no row when the department, course or offering does not exist
   * (or was deleted while this waited for the lock). Primary only.
   *
   * @param sql    the subquery, without parentheses
   * @param params its parameters, in order
   */
  public record LockedLookup(String sql, List<Object> params) {
    /** The scope a row of {@link #sql} stands for: {@code id} as read (NULL for global). */
    public static Scope scope(Scope.Kind kind, Long id) {
      return kind == Scope.Kind.GLOBAL ? Scope.GLOBAL : new Scope(kind, id);
    }
  }

  /** The {@link LockedLookup} of {@code name}. */
  public static LockedLookup lockedLookup(Name name) {
    return switch (name.kind()) {
      case GLOBAL -> new LockedLookup("SELECT NULL::bigint AS id, 'global'::text AS name", List.of());
      case DEPARTMENT -> new LockedLookup(
          "SELECT id, 'department:' || code AS name FROM departments WHERE code = ? FOR KEY SHARE",
          List.of(name.code()));
      case COURSE -> new LockedLookup(
          "SELECT id, 'course:' || code AS name FROM courses WHERE code = ? FOR KEY SHARE", List.of(name.code()));
      case OFFERING -> new LockedLookup("""
          SELECT o.id, 'offering:' || c.code || '/' || t.code AS name FROM offerings o
          JOIN courses c ON c.id = o.course_id JOIN terms t ON t.id = o.term_id
          WHERE c.code = ? AND t.code = ? FOR KEY SHARE OF o""", List.of(name.code(), name.term()));
    };
  }

  /**
   * Locks a scope's row against deletion until the transaction ends ({@code FOR KEY SHARE}): grants name
   * their scope without a foreign key, so a grant being written and its department, course or offering
   * being deleted must not both succeed. False when the row is gone (deleted while this waited). Primary
   * only.
   */
  public static boolean lockAgainstDelete(Connection c, Scope scope) throws SQLException {
    String table = switch (scope.kind()) {
      case GLOBAL -> null;
      case DEPARTMENT -> "departments";
      case COURSE -> "courses";
      case OFFERING -> "offerings";
    };
    return table == null
        || Jdbc.one(c, "SELECT 1 FROM " + table + " WHERE id = ? FOR KEY SHARE", rs -> true, scope.id()).isPresent();
  }

  /** The API name of a stored scope. */
  public static String name(Connection c, Scope scope) throws SQLException {
    return switch (scope.kind()) {
      case GLOBAL -> "global";
      case DEPARTMENT -> Jdbc.one(c, "SELECT 'department:' || code FROM departments WHERE id = ?",
          rs -> rs.getString(1), scope.id()).orElse("department:#" + scope.id());
      case COURSE -> Jdbc.one(c, "SELECT 'course:' || code FROM courses WHERE id = ?",
          rs -> rs.getString(1), scope.id()).orElse("course:#" + scope.id());
      case OFFERING -> Jdbc.one(c, """
          SELECT 'offering:' || c.code || '/' || t.code FROM offerings o
          JOIN courses c ON c.id = o.course_id JOIN terms t ON t.id = o.term_id WHERE o.id = ?""",
          rs -> rs.getString(1), scope.id()).orElse("offering:#" + scope.id());
    };
  }

  /** SQL expression naming the scope of a grants row aliased {@code g}; use in SELECT lists. */
  public static final String GRANT_SCOPE_NAME_SQL = """
      CASE g.scope_type
        WHEN 0 THEN 'global'
        WHEN 1 THEN (SELECT 'department:' || d.code FROM departments d WHERE d.id = g.scope_id)
        WHEN 2 THEN (SELECT 'course:' || c.code FROM courses c WHERE c.id = g.scope_id)
        ELSE (SELECT 'offering:' || c.code || '/' || t.code FROM offerings o JOIN courses c ON c.id = o.course_id
              JOIN terms t ON t.id = o.term_id WHERE o.id = g.scope_id)
      END""";

  /**
   * Every scope that covers {@code scope}, itself first, global last: an offering is covered by its course,
   * the course's department and that department's ancestors.
   */
  public static List<Scope> covering(Connection c, Scope scope) throws SQLException {
    List<Scope> out = new ArrayList<>();
    out.add(scope);
    Long department = switch (scope.kind()) {
      case GLOBAL -> null;
      case DEPARTMENT -> scope.id();
      case COURSE -> Jdbc.one(c, "SELECT department_id FROM courses WHERE id = ?",
          rs -> rs.getLong(1), scope.id()).orElse(null);
      case OFFERING -> {
        Optional<long[]> row = Jdbc.one(c, """
            SELECT o.course_id, c.department_id FROM offerings o JOIN courses c ON c.id = o.course_id
            WHERE o.id = ?""", rs -> new long[] {rs.getLong(1), rs.getLong(2)}, scope.id());
        if (row.isEmpty()) yield null;
        out.add(Scope.course(row.get()[0]));
        yield row.get()[1];
      }
    };
    if (department != null) {
      List<Long> chain = Jdbc.list(c, """
          WITH RECURSIVE chain(id, depth) AS (
            SELECT id, 0 FROM departments WHERE id = ?
            UNION ALL
            SELECT d.parent_id, chain.depth + 1 FROM departments d JOIN chain ON d.id = chain.id
            WHERE d.parent_id IS NOT NULL AND chain.depth < 64)
          SELECT id FROM chain ORDER BY depth""", rs -> rs.getLong(1), department);
      for (long id : chain) {
        Scope d = Scope.department(id);
        if (!d.equals(scope)) out.add(d);
      }
    }
    if (scope.kind() != Scope.Kind.GLOBAL) out.add(Scope.GLOBAL);
    return out;
  }
}
