package org.provost.users;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.provost.audit.CommitOrder;
import org.provost.db.Jdbc;
import org.provost.error.ServiceException;

/** Users in PostgreSQL. Every method runs inside the caller's transaction. */
public final class UserStore {
  static final String COLUMNS = """
      u.id, u.username, u.email, u.display_name, u.type, d.code AS department, u.department_id, u.external_id,
      u.is_active, u.is_verified, u.created_at, u.updated_at""";
  private static final String FROM = " FROM users u LEFT JOIN departments d ON d.id = u.department_id ";

  /** A user row plus its password hash, for logging in. */
  public record Credentials(User user, String passwordHash) {}

  /** One page of a listing. */
  public record Page(List<User> items, boolean hasMore) {}

  /** Listing filters; null means "any". */
  public record Filter(String type, Long departmentId, Boolean active, Boolean verified, String prefix) {}

  static User map(ResultSet rs) throws SQLException {
    return new User(rs.getLong("id"), rs.getString("username"), rs.getString("email"),
        rs.getString("display_name"), rs.getString("type"), rs.getString("department"),
        Jdbc.nullableLong(rs, "department_id"), rs.getString("external_id"), rs.getBoolean("is_active"),
        rs.getBoolean("is_verified"), Jdbc.instant(rs, "created_at"), Jdbc.instant(rs, "updated_at"));
  }

  public Optional<User> find(Connection c, long id) throws SQLException {
    return Jdbc.one(c, "SELECT " + COLUMNS + FROM + "WHERE u.id = ?", UserStore::map, id);
  }

  public User get(Connection c, long id) throws SQLException {
    return find(c, id).orElseThrow(() -> new ServiceException.NotFound("user", id));
  }

  /**
   * By username, or by email when the login contains '@', in any form that folds to the same key
   * ({@link Identifiers#key}). A login holding a character no identifier may contain finds nobody.
   */
  public Optional<Credentials> findCredentials(Connection c, String login) throws SQLException {
    if (Identifiers.problem(login) != null) return Optional.empty();
    String where = login.indexOf('@') >= 0 ? "u.email_key = ?" : "u.username_key = ?";
    return Jdbc.one(c, "SELECT " + COLUMNS + ", u.password_hash" + FROM + "WHERE " + where,
        rs -> new Credentials(map(rs), rs.getString("password_hash")), Identifiers.key(login));
  }

  /** The user and password hash of account {@code id}, for a password change. */
  public Optional<Credentials> findCredentialsById(Connection c, long id) throws SQLException {
    return Jdbc.one(c, "SELECT " + COLUMNS + ", u.password_hash" + FROM + "WHERE u.id = ?",
        rs -> new Credentials(map(rs), rs.getString("password_hash")), id);
  }

  /** Keyset page after {@code afterId}, or an offset page when {@code offset > 0}. */
  public Page list(Connection c, Filter f, int limit, long afterId, int offset) throws SQLException {
    // the first page has no cursor: "id > 0" would only make the planner scan the whole primary key
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + FROM + "WHERE " + (afterId > 0 ? "u.id > ?" : "TRUE"));
    List<Object> params = new ArrayList<>();
    if (afterId > 0) params.add(afterId);
    if (f.type() != null) {
      sql.append(" AND u.type = ?");
      params.add(f.type());
    }
    if (f.departmentId() != null) {
      // the leading space matters: a text block starts at its first non-blank character
      sql.append(" ").append("""
          AND u.department_id IN (WITH RECURSIVE sub(id) AS (SELECT ?::bigint UNION
            SELECT d2.id FROM departments d2 JOIN sub ON d2.parent_id = sub.id) SELECT id FROM sub)""");
      params.add(f.departmentId());
    }
    if (f.active() != null) {
      sql.append(" AND u.is_active = ?");
      params.add(f.active());
    }
    if (f.verified() != null) {
      sql.append(" AND u.is_verified = ?");
      params.add(f.verified());
    }
    if (f.prefix() != null) {
      // lowered by PostgreSQL's lower(), as the stored columns are (V41; UserListing does the same)
      String like = escapeLike(f.prefix()) + "%";
      sql.append(" AND (u.username_lower LIKE lower(?) OR u.email_lower LIKE lower(?)"
          + " OR u.display_name_lower LIKE lower(?))");
      params.add(like);
      params.add(like);
      params.add(like);
    }
    sql.append(" ORDER BY u.id LIMIT ? OFFSET ?");
    params.add(limit + 1);
    params.add(offset);
    List<User> rows = Jdbc.list(c, sql.toString(), UserStore::map, params.toArray());
    boolean more = rows.size() > limit;
    return new Page(more ? rows.subList(0, limit) : rows, more);
  }

  private static String escapeLike(String s) {
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }

  /** Inserts a user; its change number (the users change feed's) is taken in commit order. */
  public long insert(Connection c, NewUser u, Long departmentId, String passwordHash) throws SQLException {
    CommitOrder.lock(c);
    return Jdbc.returningLong(c, """
        INSERT INTO users (username, email, username_key, email_key, display_name, type, department_id,
                           external_id, is_active, is_verified, password_hash)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""",
        u.username(), u.email(), Identifiers.key(u.username()), Identifiers.key(u.email()), u.displayName(), u.type(), departmentId, u.externalId(), u.active(),
        u.verified(), passwordHash);
  }

  /** Applies the non-null fields of {@code change} (the users_change_seq_bump trigger renumbers the row). */
  public void update(Connection c, long id, UserChange change, Long departmentId, String passwordHash)
      throws SQLException {
    List<String> sets = new ArrayList<>();
    List<Object> params = new ArrayList<>();
    set(sets, params, "username", change.username());
    set(sets, params, "username_key", Identifiers.key(change.username()));
    set(sets, params, "email", change.email());
    set(sets, params, "email_key", Identifiers.key(change.email()));
    set(sets, params, "display_name", change.displayName());
    set(sets, params, "type", change.type());
    if (change.department() != null) set(sets, params, "department_id", departmentId);
    if (change.clearDepartment()) sets.add("department_id = NULL");
    set(sets, params, "external_id", change.externalId());
    set(sets, params, "is_active", change.active());
    set(sets, params, "is_verified", change.verified());
    set(sets, params, "password_hash", passwordHash);
    sets.add("updated_at = now()");
    params.add(id);
    Jdbc.update(c, "UPDATE users SET " + String.join(", ", sets) + " WHERE id = ?", params.toArray());
  }

  private static void set(List<String> sets, List<Object> params, String column, Object value) {
    if (value == null) return;
    sets.add(column + " = ?");
    params.add(value);
  }
}
