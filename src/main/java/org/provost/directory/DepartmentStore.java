package org.provost.directory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.provost.authz.Scope;
import org.provost.db.Jdbc;
import org.provost.error.ServiceException;

/** Departments in PostgreSQL. Every method runs inside the caller's transaction. */
final class DepartmentStore {
  /** Serializes moves in the tree, so two concurrent moves cannot together close a cycle. */
  private static final long TREE_LOCK = 0x70726f765f647074L;

  private DepartmentStore() {}

  static Optional<Department> find(Connection c, String code) throws SQLException {
    return Jdbc.one(c, Department.SELECT + " WHERE d.code = ?", Department::map, code);
  }

  static Department get(Connection c, String code) throws SQLException {
    return find(c, code).orElseThrow(() -> new ServiceException.NotFound("department", code));
  }

  /** The row, locked until the transaction ends (before a delete). */
  static Department lock(Connection c, String code) throws SQLException {
    return Jdbc.one(c, Department.SELECT + " WHERE d.code = ? FOR UPDATE OF d", Department::map, code)
        .orElseThrow(() -> new ServiceException.NotFound("department", code));
  }

  /** A page in code order after {@code page.after()}; only children of {@code parentId} when not null. */
  static List<Department> list(Connection c, Long parentId, Listing page) throws SQLException {
    StringBuilder sql = new StringBuilder(Department.SELECT).append(" WHERE TRUE");
    List<Object> params = new ArrayList<>();
    if (parentId != null) {
      sql.append(" AND d.parent_id = ?");
      params.add(parentId);
    }
    if (page.after() != null) {
      sql.append(" AND d.code > ?");
      params.add(page.after());
    }
    sql.append(" ORDER BY d.code LIMIT ?");
    params.add(page.fetch());
    return Jdbc.list(c, sql.toString(), Department::map, params.toArray());
  }

  static long insert(Connection c, String code, String name, Long parentId) throws SQLException {
    return Jdbc.returningLong(c, "INSERT INTO departments (code, name, parent_id) VALUES (?, ?, ?) RETURNING id",
        code, name, parentId);
  }

  static void update(Connection c, long id, String name, Long parentId) throws SQLException {
    Jdbc.update(c, "UPDATE departments SET name = ?, parent_id = ?, updated_at = now() WHERE id = ?",
        name, parentId, id);
  }

  /**
   * True when putting {@code id} under {@code newParentId} would close a loop: the new parent is the
   * department itself or one of its descendants. Takes the tree lock first, held until commit.
   */
  static boolean wouldCycle(Connection c, long id, long newParentId) throws SQLException {
    Jdbc.returningLong(c, "SELECT 1 FROM pg_advisory_xact_lock(?)", TREE_LOCK);
    return Jdbc.one(c, """
        WITH RECURSIVE up(id) AS (
          SELECT ?::bigint
          UNION
          SELECT d.parent_id FROM departments d JOIN up ON d.id = up.id WHERE d.parent_id IS NOT NULL)
        SELECT EXISTS (SELECT 1 FROM up WHERE id = ?)""", rs -> rs.getBoolean(1), newParentId, id)
        .orElse(false);
  }

  /** The deepest a department may sit: the index and the scope walk follow at most this many parents. */
  static final int MAX_DEPTH = 32;

  /** Levels from {@code id} up to its root, counting itself (a root is 1). */
  static int depth(Connection c, long id) throws SQLException {
    return (int) Jdbc.returningLong(c, """
        WITH RECURSIVE up(id, n) AS (
          SELECT ?::bigint, 1
          UNION ALL
          SELECT d.parent_id, up.n + 1 FROM departments d JOIN up ON d.id = up.id
          WHERE d.parent_id IS NOT NULL AND up.n <= 64)
        SELECT max(n) FROM up""", id);
  }

  /** Levels from {@code id} down to its deepest sub-department, counting itself (a leaf is 1). */
  static int height(Connection c, long id) throws SQLException {
    return (int) Jdbc.returningLong(c, """
        WITH RECURSIVE down(id, n) AS (
          SELECT ?::bigint, 1
          UNION ALL
          SELECT d.id, down.n + 1 FROM departments d JOIN down ON d.parent_id = down.id WHERE down.n <= 64)
        SELECT max(n) FROM down""", id);
  }

  /** Refuses a tree deeper than {@link #MAX_DEPTH}: 409 naming {@code parent}. */
  static void refuseTooDeep(Connection c, long parentId, int subtreeHeight) throws SQLException {
    Jdbc.returningLong(c, "SELECT 1 FROM pg_advisory_xact_lock(?)", TREE_LOCK);
    int depth = depth(c, parentId) + subtreeHeight;
    if (depth > MAX_DEPTH) {
      throw new ServiceException.Conflict("too_deep", "departments nest at most " + MAX_DEPTH
          + " levels; this would make " + depth, List.of(new ServiceException.FieldError(
              "parent", "would nest departments " + depth + " levels deep (at most " + MAX_DEPTH + ")")));
    }
  }

  /** Deletes the department unless something still names it (409 in_use). */
  static void delete(Connection c, Department d) throws SQLException {
    InUse.refuseIfReferenced(c, "code", "department " + d.code(), """
        SELECT (SELECT count(*) FROM departments WHERE parent_id = ?) AS sub_departments,
               (SELECT count(*) FROM courses WHERE department_id = ?) AS courses,
               (SELECT count(*) FROM users WHERE department_id = ?) AS users,
               (SELECT count(*) FROM grants WHERE scope_type = ? AND scope_id = ?) AS grants""",
        d.id(), d.id(), d.id(), Scope.Kind.DEPARTMENT.code(), d.id());
    Jdbc.update(c, "DELETE FROM departments WHERE id = ?", d.id());
  }
}
