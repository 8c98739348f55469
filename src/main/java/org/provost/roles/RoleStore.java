package org.provost.roles;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.provost.db.Jdbc;

/** Role rows and their permission and include links in PostgreSQL, inside the caller's transaction. */
final class RoleStore {
  private RoleStore() {}

  static Optional<Long> findId(Connection c, String name) throws SQLException {
    return Jdbc.one(c, "SELECT id FROM roles WHERE name = ?", rs -> rs.getLong(1), name);
  }

  /** The id the next role will get, taken before the insert so the change can be recorded first. */
  static long nextId(Connection c) throws SQLException {
    return Jdbc.returningLong(c, "SELECT nextval(pg_get_serial_sequence('roles', 'id'))");
  }

  static void insert(Connection c, long id, String name, String description) throws SQLException {
    Jdbc.update(c, "INSERT INTO roles (id, name, description) VALUES (?, ?, ?)", id, name, description);
  }

  /** Sets name and/or description; a null keeps the stored value. */
  static void update(Connection c, long id, String name, String description) throws SQLException {
    Jdbc.update(c, """
        UPDATE roles SET name = coalesce(?, name), description = coalesce(?, description), updated_at = now()
        WHERE id = ?""", name, description, id);
  }

  static void replacePermissions(Connection c, long id, Collection<String> permissions) throws SQLException {
    Jdbc.update(c, "DELETE FROM role_permissions WHERE role_id = ?", id);
    Jdbc.update(c, """
        INSERT INTO role_permissions (role_id, permission_id)
        SELECT ?, id FROM permissions WHERE name = ANY (?)""", id, permissions.toArray(String[]::new));
  }

  static void replaceIncludes(Connection c, long id, Collection<String> includes) throws SQLException {
    Jdbc.update(c, "DELETE FROM role_includes WHERE role_id = ?", id);
    Jdbc.update(c, """
        INSERT INTO role_includes (role_id, included_role_id)
        SELECT ?, id FROM roles WHERE name = ANY (?)""", id, includes.toArray(String[]::new));
  }

  /** Deletes the role; its own permission and include links go with it (ON DELETE CASCADE). */
  static void delete(Connection c, long id) throws SQLException {
    Jdbc.update(c, "DELETE FROM roles WHERE id = ?", id);
  }

  /** How many grants, current or not, name the role. */
  static long grantCount(Connection c, long id) throws SQLException {
    return Jdbc.returningLong(c, "SELECT count(*) FROM grants WHERE role_id = ?", id);
  }

  /** The names among {@code names} that are not permissions, in the order given. */
  static List<String> unknownPermissions(Connection c, List<String> names) throws SQLException {
    return Jdbc.list(c, """
        SELECT n FROM unnest(?::text[]) WITH ORDINALITY AS given(n, i)
        WHERE NOT EXISTS (SELECT 1 FROM permissions p WHERE p.name = given.n) ORDER BY i""",
        rs -> rs.getString(1), (Object) names.toArray(String[]::new));
  }
}
