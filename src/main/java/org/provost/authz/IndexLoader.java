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
  /**
   * A grant's columns as {@link #pack} reads them: id, role, scope type, scope id, from, until (microseconds
   * since the epoch, exact: {@code extract} gives a numeric, and timestamps hold whole microseconds).
   */
  private static final String GRANT_COLUMNS = """
      g.id, g.role_id, g.scope_type, coalesce(g.scope_id, 0),
      coalesce((extract(epoch FROM g.valid_from) * 1000000)::bigint, %d),
      coalesce((extract(epoch FROM g.valid_until) * 1000000)::bigint, %d)"""
      .formatted(UserTable.NO_START, UserTable.NO_END);

  private IndexLoader() {}

  /** Everything, in one consistent snapshot; {@code revision} is the last change the snapshot includes. */
  record Snapshot(Catalog catalog, UserTable users, long revision) {}

  /** Run it in one snapshot ({@link org.provost.db.OwnConnection#snapshot}): its statements must see the same data. */
  static Snapshot loadAll(Connection c, Map<String, Integer> usernames) throws SQLException {
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
        "SELECT g.user_id, " + GRANT_COLUMNS + " FROM grants g ORDER BY g.user_id, g.id")) {
      ps.setFetchSize(FETCH);
      try (ResultSet rs = ps.executeQuery()) {
        readGrants(rs, 2, (user, row) -> { }, (user, packed) -> {
          if (user < users.capacity()) users.grants[(int) user] = packed;
        });
      }
    }
    return new Snapshot(catalog, users, revision);
  }

  /** Each user's grants, packed: called once per user, after the user's last row. */
  private interface GrantSink {
    void accept(long user, long[] packed);
  }

  /** Called at each user's first row, to read that user's own columns. */
  private interface UserStart {
    void at(long user, ResultSet rs) throws SQLException;
  }

  /**
   * Reads rows ordered by user (its id in column 1), each with a grant's columns from column {@code from}
   * (all NULL for a user without grants, as a LEFT JOIN gives), into each user's packed array, copying each
   * user's grants once.
   */
  private static void readGrants(ResultSet rs, int from, UserStart start, GrantSink sink) throws SQLException {
    long[] buffer = new long[64];
    int used = 0;
    long current = -1;
    while (rs.next()) {
      long user = rs.getLong(1);
      if (user != current) {
        if (current >= 0) sink.accept(current, Arrays.copyOf(buffer, used));
        current = user;
        used = 0;
        start.at(user, rs);
      }
      rs.getLong(from);
      if (rs.wasNull()) continue; // a user without grants
      if (used + UserTable.SLOTS > buffer.length) buffer = Arrays.copyOf(buffer, buffer.length * 2);
      pack(rs, from, buffer, used);
      used += UserTable.SLOTS;
    }
    if (current >= 0) sink.accept(current, Arrays.copyOf(buffer, used));
  }

  /** The grant at columns {@code from}.. (id, role, scope type, scope id, from, until) into {@code at}.. */
  private static void pack(ResultSet rs, int from, long[] buffer, int at) throws SQLException {
    buffer[at] = rs.getLong(from);
    buffer[at + 1] = UserTable.roleScope(rs.getInt(from + 1), ScopeCode.encode(rs.getInt(from + 2),
        rs.getLong(from + 3)));
    buffer[at + 2] = rs.getLong(from + 4);
    buffer[at + 3] = rs.getLong(from + 5);
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

  /** One user as it is now: a null username means the user no longer exists; null grants, none. */
  record UserRow(long id, String username, boolean active, long[] grants) {}

  /**
   * The users {@code ids} as they are now, in one statement: their row and grants (a user that no longer
   * exists comes back with a null username). One round trip for a feed batch's users, where a statement for
   * each user's row and another for its grants took two per user on every instance.
   */
  static java.util.List<UserRow> loadUsers(Connection c, java.util.Collection<Long> ids) throws SQLException {
    java.util.List<UserRow> rows = new java.util.ArrayList<>(ids.size());
    try (PreparedStatement ps = c.prepareStatement("SELECT x.id, u.username_key, coalesce(u.is_active, false), "
        + GRANT_COLUMNS + " FROM unnest(?::bigint[]) AS x(id) LEFT JOIN users u ON u.id = x.id"
        + " LEFT JOIN grants g ON g.user_id = u.id ORDER BY x.id, g.id")) {
      ps.setArray(1, c.createArrayOf("bigint", ids.toArray(Long[]::new)));
      try (ResultSet rs = ps.executeQuery()) {
        String[] username = {null};
        boolean[] active = {false};
        readGrants(rs, 4, (user, row) -> {
          username[0] = row.getString(2);
          active[0] = row.getBoolean(3);
        }, (user, packed) -> rows.add(new UserRow(user, username[0], active[0], packed.length == 0 ? null : packed)));
      }
    }
    return rows;
  }
}
