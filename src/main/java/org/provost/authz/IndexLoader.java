package org.provost.authz;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Map;
import org.provost.db.Changelog;

/** Reads the index's data from PostgreSQL: everything at start or after a bulk load, or parts of it. */
final class IndexLoader {
  private static final int FETCH = 10_000;
  private static final String GRANT_COLUMNS = """
      g.user_id, g.id, g.role_id, g.scope_type, coalesce(g.scope_id, 0),
      coalesce((extract(epoch FROM g.valid_from) * 1000)::bigint, %d),
      coalesce((extract(epoch FROM g.valid_until) * 1000)::bigint, %d)"""
      .formatted(UserTable.NO_START, UserTable.NO_END);

  private IndexLoader() {}

  /** Everything, in one consistent snapshot; {@code revision} is the last change the snapshot includes. */
  record Snapshot(Catalog catalog, UserTable users, long revision) {}

  static Snapshot loadAll(Connection c, Map<String, Integer> usernames) throws SQLException {
    c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
    long revision = Changelog.current(c);
    Catalog catalog = loadCatalog(c);
    long maxId = 0;
    try (var st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT coalesce(max(id), 0) FROM users")) {
      rs.next();
      maxId = rs.getLong(1);
    }
    UserTable users = new UserTable(0).withRoomFor(maxId);
    try (PreparedStatement ps = c.prepareStatement("SELECT id, username_key, is_active FROM users")) {
      ps.setFetchSize(FETCH);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          int id = (int) rs.getLong(1);
          String username = rs.getString(2);
          users.put(id, username, rs.getBoolean(3), null);
          usernames.put(username, id);
        }
      }
    }
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT " + GRANT_COLUMNS + " FROM grants g ORDER BY g.user_id, g.id")) {
      ps.setFetchSize(FETCH);
      try (ResultSet rs = ps.executeQuery()) {
        readGrants(rs, (user, packed) -> {
          if (user < users.capacity()) users.grants[(int) user] = packed;
        });
      }
    }
    return new Snapshot(catalog, users, revision);
  }

  /** Reads grant rows ordered by user into each user's packed array, copying each user's grants once. */
  private interface GrantSink {
    void accept(long user, long[] packed);
  }

  private static void readGrants(ResultSet rs, GrantSink sink) throws SQLException {
    long[] buffer = new long[64];
    int used = 0;
    long current = -1;
    while (rs.next()) {
      long user = rs.getLong(1);
      if (user != current) {
        if (current >= 0) sink.accept(current, Arrays.copyOf(buffer, used));
        current = user;
        used = 0;
      }
      if (used + UserTable.SLOTS > buffer.length) buffer = Arrays.copyOf(buffer, buffer.length * 2);
      buffer[used] = rs.getLong(2);
      buffer[used + 1] = UserTable.roleScope(rs.getInt(3), ScopeCode.encode(rs.getInt(4), rs.getLong(5)));
      buffer[used + 2] = rs.getLong(6);
      buffer[used + 3] = rs.getLong(7);
      used += UserTable.SLOTS;
    }
    if (current >= 0) sink.accept(current, Arrays.copyOf(buffer, used));
  }

  static Catalog loadCatalog(Connection c) throws SQLException {
    Catalog.Builder b = new Catalog.Builder();
    try (var st = c.createStatement()) {
      try (ResultSet rs = st.executeQuery("SELECT id, name FROM permissions")) {
        while (rs.next()) b.permission(rs.getInt(1), rs.getString(2));
      }
      try (ResultSet rs = st.executeQuery("SELECT id, name FROM roles")) {
        while (rs.next()) b.role(rs.getInt(1), rs.getString(2));
      }
      try (ResultSet rs = st.executeQuery("SELECT role_id, permission_id FROM role_permissions")) {
        while (rs.next()) b.rolePermission(rs.getInt(1), rs.getInt(2));
      }
      try (ResultSet rs = st.executeQuery("SELECT role_id, included_role_id FROM role_includes")) {
        while (rs.next()) b.roleInclude(rs.getInt(1), rs.getInt(2));
      }
      try (ResultSet rs = st.executeQuery("SELECT id, code, coalesce(parent_id, -1) FROM departments")) {
        while (rs.next()) b.department(rs.getInt(1), rs.getString(2), rs.getLong(3));
      }
      try (ResultSet rs = st.executeQuery("SELECT id, code, department_id FROM courses")) {
        while (rs.next()) b.course(rs.getInt(1), rs.getString(2), rs.getLong(3));
      }
      try (ResultSet rs = st.executeQuery("""
          SELECT o.id, c.code, t.code, o.course_id FROM offerings o
          JOIN courses c ON c.id = o.course_id JOIN terms t ON t.id = o.term_id""")) {
        while (rs.next()) b.offering(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getLong(4));
      }
    }
    return b.build();
  }

  /** One user as it is now: empty username means the user no longer exists. */
  record UserRow(long id, String username, boolean active, long[] grants) {}

  static UserRow loadUser(Connection c, long userId) throws SQLException {
    String username = null;
    boolean active = false;
    try (PreparedStatement ps = c.prepareStatement("SELECT username_key, is_active FROM users WHERE id = ?")) {
      ps.setLong(1, userId);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          username = rs.getString(1);
          active = rs.getBoolean(2);
        }
      }
    }
    long[][] grants = {null};
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT " + GRANT_COLUMNS + " FROM grants g WHERE g.user_id = ? ORDER BY g.id")) {
      ps.setLong(1, userId);
      try (ResultSet rs = ps.executeQuery()) {
        readGrants(rs, (user, packed) -> grants[0] = packed);
      }
    }
    return new UserRow(userId, username, active, grants[0]);
  }
}
