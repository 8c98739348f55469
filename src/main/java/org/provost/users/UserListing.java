package org.provost.users;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.provost.db.Jdbc;
import org.provost.http.JsonOut;

/**
 * One page of {@code GET /v1/users} in one SQL statement, written straight to JSON bytes from the result set
 * (no row objects, no JSON tree). Each row also carries the changelog's revision as that statement saw it,
 * so the caller can tell whether the in-memory permission check it made before was current (see
 * {@code Authority.allowsFromIndex}).
 *
 * <p>Plans, measured with {@code EXPLAIN ANALYZE} on the seeded university (docs/PERFORMANCE.md):
 * <ul>
 *   <li>a page is a keyset scan in id order; with a {@code type} filter, or both {@code active} and
 *       {@code verified}, it orders by the filter's columns first, so PostgreSQL reads the matching
 *       {@code (type, id)} or {@code (is_active, is_verified, id)} index in order instead of filtering the
 *       primary key (which it preferred, wrongly assuming the matches spread evenly over the ids);</li>
 *   <li>{@code offset=N} finds the page's first id with an index-only scan of the same order (a deferred
 *       join), then reads the page by keyset, instead of reading and discarding N full rows;</li>
 *   <li>{@code q=} (prefix of username, email or display name, each as stored lowered by PostgreSQL's
 *       {@code lower()}, migration V41; results in id order) first probes the next {@value #PROBE} users in
 *       id order (twice the page when that is more): a common prefix (all the students) fills the page from
 *       them; when it found some but too few, a wider probe of the next {@value #WIDE}; else it collects the
 *       matching ids from the three {@code (lowered column, id)} indexes with explicit range bounds (a
 *       generic plan cannot use an index for {@code LIKE ?}), from the index alone once the table is
 *       vacuumed; when there are few (at most {@value #FEW} after the cursor) the page is
 *       the first of them, else a primary-key scan in id order (or the filter's index) finds the page's
 *       rows. Only the step that is needed runs, and the page's rows are read once, by id. Every
 *       parameter is read from a CTE ({@link #ARG}), so PostgreSQL keeps one generic plan.</li>
 * </ul>
 */
final class UserListing {
  static final int FEW = 2000;
  static final int PROBE = 100;
  static final int WIDE = 1000;
  private static final String REVISION = "(SELECT coalesce(max(revision), 0) FROM changelog) AS rev";
  private static final String COLUMNS = """
      u.id, u.username, u.email, u.display_name, u.type, d.code, u.external_id, u.is_active, u.is_verified,
      u.created_at, u.updated_at, """ + REVISION;
  /** The users columns a page row needs (the department's code comes from a join). */
  private static final String ROW = "id, username, email, display_name, type, department_id, external_id,"
      + " is_active, is_verified, created_at, updated_at";
  private static final String U_ROW = ROW.replaceAll("(\\w+)", "u.$1");
  private static final String FROM = " FROM users u LEFT JOIN departments d ON d.id = u.department_id";
  /**
   * An offset as a subquery, as the cursor is passed: with {@code OFFSET ?} PostgreSQL planned every
   * execution again for the value given (0.45 ms of planning for 0.19 ms of execution under the two-instance
   * mix, docs/PERFORMANCE.md "Statements planned once").
   */
  private static final String OFFSET = " OFFSET (SELECT ?::bigint)";

  /** The encoded page, and the changelog revision its statement saw (-1: the page was empty). */
  record Page(Buffer json, long revision) {}

  private UserListing() {}

  static Page page(Connection c, UserStore.Filter f, int limit, long afterId, int offset) throws SQLException {
    return page(c, null, f, limit, afterId, offset);
  }

  /**
   * The page, a {@code q=} search alone (no other filter, no offset) from {@code search}'s candidates when it
   * has them and the statement reading them confirms they are current ({@link #fromIndex}), else in SQL.
   *
   * @param search the in-memory search index, or null to search in SQL
   */
  static Page page(Connection c, UserSearch search, UserStore.Filter f, int limit, long afterId, int offset)
      throws SQLException {
    if (search != null && f.prefix() != null && offset == 0 && f.type() == null && f.departmentId() == null
        && f.active() == null && f.verified() == null) {
      Page page = fromIndex(c, search, f.prefix(), limit, afterId);
      search.counted(page != null);
      if (page != null) return page;
    }
    List<Object> params = new ArrayList<>();
    String sql = f.prefix() != null ? searchSql(f, limit, afterId, offset, params) : listSql(f, limit, afterId, offset, params);
    return Jdbc.read(c, Jdbc.named("users.page", sql), rs -> write(rs, limit), params.toArray());
  }

  /** The order that lets PostgreSQL read an index matching the equality filters in id order. */
  private static String order(UserStore.Filter f, String a) {
    if (f.type() != null) return a + ".type, " + a + ".id";
    if (f.active() != null && f.verified() != null) return a + ".is_active, " + a + ".is_verified, " + a + ".id";
    return a + ".id";
  }

  private static String filters(UserStore.Filter f, String a, List<Object> params) {
    StringBuilder sql = new StringBuilder();
    // equalities written as one-value ranges of literals: PostgreSQL then keeps the column in the sort order
    // and reads the (type, id) or (is_active, is_verified, id) index in order (with "= ?" it dropped the
    // constant column, found the primary key equally ordered, and filtered it: 10,000 rows read for 51
    // faculty; with "?" ranges its generic plan guessed one row and sorted them all). The literals come from
    // closed sets (the four types, true/false), checked before they get here.
    if (f.type() != null) {
      if (!UserRoutes.TYPES.contains(f.type())) throw new IllegalArgumentException("type " + f.type());
      sql.append(" AND ").append(a).append(".type >= '").append(f.type()).append("' AND ").append(a)
          .append(".type <= '").append(f.type()).append("'");
    }
    if (f.departmentId() != null) {
      sql.append(" AND ").append(a).append(".department_id IN (WITH RECURSIVE sub(id) AS (SELECT ?::bigint UNION")
          .append(" SELECT d2.id FROM departments d2 JOIN sub ON d2.parent_id = sub.id) SELECT id FROM sub)");
      params.add(f.departmentId());
    }
    boolean both = f.active() != null && f.verified() != null;
    if (f.active() != null) equal(sql, a + ".is_active", f.active(), both);
    if (f.verified() != null) equal(sql, a + ".is_verified", f.verified(), both);
    return sql.toString();
  }

  private static void equal(StringBuilder sql, String column, boolean value, boolean asRange) {
    sql.append(" AND ").append(column).append(asRange ? " >= " + value + " AND " + column + " <= " + value
        : " = " + value);
  }

  private static String listSql(UserStore.Filter f, int limit, long afterId, int offset, List<Object> params) {
    StringBuilder sql = new StringBuilder("SELECT ").append(COLUMNS).append(FROM).append(" WHERE ");
    if (offset > 0) {
      // the first id of the page, from an index-only scan; past the end it is NULL and the page is empty
      sql.append("u.id >= (SELECT u2.id FROM users u2 WHERE TRUE");
      sql.append(filters(f, "u2", params));
      sql.append(" ORDER BY ").append(order(f, "u2")).append(OFFSET).append(" LIMIT 1)");
      params.add(offset);
    } else if (afterId > 0) {
      // "u.id > 0" on the first page would only make the planner scan the whole key; the cursor as a
      // subquery and the limit as a literal leave PostgreSQL no value to plan for, so it keeps the generic
      // plan (the same one) instead of planning every execution again (half of the statement's time)
      sql.append("u.id > (SELECT ?::bigint)");
      params.add(afterId);
    } else {
      sql.append("TRUE");
    }
    sql.append(filters(f, "u", params));
    sql.append(" ORDER BY ").append(order(f, "u")).append(" LIMIT ").append(limit + 1);
    return sql.toString();
  }

  /**
   * The search's arguments, computed once by PostgreSQL: {@code lo}, the prefix lowered by the same
   * {@code lower()} that lowers the columns (Java's {@code toLowerCase} differs from it, e.g. for İ and
   * final sigma, and so may the database's locale); {@code pattern}, that prefix as a {@code LIKE}
   * pattern; {@code hi}, the least string above every string starting with {@code lo} in byte order (the
   * order of the {@code text_pattern_ops} indexes): its last code point raised by one, skipping the
   * surrogates, once trailing U+10FFFF (which cannot be raised) are dropped, and null when nothing is
   * left; {@code after}, the cursor. The statement reads every parameter from here, so PostgreSQL plans
   * it without their values: a plan for given values is the generic plan, which it then keeps after
   * five executions instead of planning this large statement again each time (about 1.2 ms, four times
   * its execution).
   */
  private static final String ARG = """
      WITH arg AS MATERIALIZED (SELECT lo, replace(replace(replace(lo, '\\', '\\\\'), '%', '\\%'), '_', '\\_') \
      || '%' AS pattern, CASE WHEN t = '' THEN NULL ELSE left(t, -1) || chr(CASE ascii(right(t, 1)) \
      WHEN 55295 THEN 57344 ELSE ascii(right(t, 1)) + 1 END) END AS hi, after \
      FROM (SELECT lower(?::text) AS lo, ?::bigint AS after) a, LATERAL (SELECT rtrim(lo, chr(1114111)) AS t) b)""";
  /** The columns searched, each as stored lowered by PostgreSQL's {@code lower()} (migration V41). */
  private static final String[] SEARCHED = {"username_lower", "email_lower", "display_name_lower"};

  private static String match(String a) {
    StringBuilder m = new StringBuilder(" AND (");
    for (int i = 0; i < SEARCHED.length; i++) {
      m.append(i > 0 ? " OR " : "").append(a).append('.').append(SEARCHED[i]).append(" LIKE (SELECT pattern FROM arg)");
    }
    return m.append(')').toString();
  }

  /** A probe CTE: the first {@code rows} matches among the next {@code window} users, run only when {@code gate}. */
  private static void probe(StringBuilder sql, UserStore.Filter f, List<Object> params, String name, String gate,
      int window, int rows) {
    sql.append(",\n").append(name).append(" AS MATERIALIZED (SELECT s.* FROM (SELECT ").append(ROW).append(", ")
        .append(String.join(", ", SEARCHED)).append(" FROM users WHERE ").append(gate)
        .append(" AND id > (SELECT after FROM arg) ORDER BY id LIMIT ").append(window).append(") s WHERE TRUE")
        .append(match("s")).append(filters(f, "s", params)).append(" LIMIT ").append(rows).append(")");
  }

  private static String searchSql(UserStore.Filter f, int limit, long afterId, int offset, List<Object> params) {
    int rows = limit + 1;
    StringBuilder sql = new StringBuilder(ARG);
    params.add(f.prefix());
    params.add(afterId);
    if (offset > 0) { // rare for a search: read and skip
      sql.append("\nSELECT ").append(COLUMNS).append(FROM).append(" WHERE TRUE").append(match("u"))
          .append(filters(f, "u", params)).append(" ORDER BY u.id LIMIT ").append(rows).append(OFFSET);
      params.add(offset);
      return sql.toString();
    }
    // 1. the probe: the next rows in id order; a common prefix fills the page from them at once (with the
    // rows themselves: when it fills the page, they are the page). When it found some matches but too few,
    // the prefix is not rare: a wider probe of the next rows (a prefix of a tenth of the users fills it),
    // before the prefix indexes, whose range would hold too many. When it found none, straight to those.
    int narrow = Math.max(PROBE, 2 * rows);
    String probed = "(SELECT count(*) FROM probe)";
    probe(sql, f, params, "probe", "TRUE", narrow, rows);
    probe(sql, f, params, "wide", probed + " BETWEEN 1 AND " + (rows - 1), Math.max(WIDE, 2 * narrow), rows);
    String byProbe = probed + " = " + rows;
    String byWide = "(SELECT count(*) FROM wide) = " + rows;
    String probing = "(" + byProbe + " OR " + byWide + ")";
    // 2. else the matching ids from the three prefix indexes, up to FEW + 1 of them
    sql.append(",\ncand AS MATERIALIZED (");
    for (int i = 0; i < SEARCHED.length; i++) {
      String column = "c." + SEARCHED[i];
      if (i > 0) sql.append(" UNION ALL ");
      sql.append("SELECT c.id FROM users c WHERE NOT ").append(probing).append(" AND ").append(column)
          .append(" ~>=~ (SELECT lo FROM arg) AND ").append(column).append(" ~<~ (SELECT hi FROM arg)")
          // the id is the index's second column: the cursor is checked in the index, no heap visit
          .append(" AND c.id > (SELECT after FROM arg)").append(filters(f, "c", params));
    }
    sql.append(" LIMIT ").append(FEW + 1).append(")");
    String few = "(SELECT hi FROM arg) IS NOT NULL AND (SELECT count(*) FROM cand) <= " + FEW;
    // the page: the rows of the probe that filled it, or those of the ids the step that found them gave
    // (3. when there are many: the primary key, or the filter's index, in order)
    sql.append("\nSELECT r.id, r.username, r.email, r.display_name, r.type, d.code, r.external_id, r.is_active,")
        .append(" r.is_verified, r.created_at, r.updated_at, ").append(REVISION)
        .append(" FROM ((SELECT ").append(ROW).append(" FROM probe WHERE ").append(byProbe).append(")")
        .append(" UNION ALL (SELECT ").append(ROW).append(" FROM wide WHERE ").append(byWide).append(")")
        .append(" UNION ALL (SELECT ").append(U_ROW).append(" FROM (")
        .append("(SELECT DISTINCT id FROM cand WHERE NOT ").append(probing).append(" AND ").append(few)
        .append(" ORDER BY id LIMIT ").append(rows).append(")")
        .append(" UNION ALL (SELECT m.id FROM users m WHERE NOT ").append(probing).append(" AND NOT (").append(few)
        .append(") AND m.id > (SELECT after FROM arg)").append(match("m")).append(filters(f, "m", params))
        .append(" ORDER BY ").append(order(f, "m")).append(" LIMIT ").append(rows).append(")")
        .append(") p JOIN users u ON u.id = p.id)) r LEFT JOIN departments d ON d.id = r.department_id ORDER BY r.id");
    return sql.toString();
  }

  /**
   * What confirms a page from the index at the statement's snapshot: whether PostgreSQL lowers the prefix
   * ({@code ?} 1) as Java did ({@code ?} 2), and the users table's version, which every statement that writes
   * users bumps (V43): when it is the one the index reflects, no user changed since, so the index's candidates
   * are exactly the users matching at that snapshot. One row: O(1) whatever an import has in flight.
   */
  private static final String CURRENT = "lower(?::text) = ?::text AS lowered,"
      + " (SELECT version FROM users_version) AS version";
  /** The candidates' rows by id ({@code ?} 3), with the changelog's revision and {@link #CURRENT}. */
  private static final String BY_ID = Jdbc.named("users.page_by_id", "SELECT " + COLUMNS + ", " + CURRENT + FROM
      + " WHERE u.id = ANY (?::bigint[]) ORDER BY u.id");
  /** The revision and {@link #CURRENT} alone, for a search the index found no one for. */
  private static final String NONE_FOUND = Jdbc.named("users.page_none", "SELECT " + REVISION + ", " + CURRENT);
  private static final Buffer EMPTY = Buffer.buffer("{\"items\":[],\"next\":null,\"has_more\":false}");

  /**
   * A search's page from the in-memory index: its candidates read by primary key, in one statement. Null, and
   * the caller searches in SQL, when the index is not loaded or that statement does not confirm the candidates
   * ({@link #CURRENT}, or a candidate is gone); when the index was behind, it is told to catch up.
   */
  private static Page fromIndex(Connection c, UserSearch search, String prefix, int limit, long afterId)
      throws SQLException {
    String lowered = prefix.toLowerCase(java.util.Locale.ROOT);
    UserSearch.Hit hit = search.find(lowered, afterId, limit + 1);
    if (hit == null) return null;
    if (hit.ids().length == 0) {
      return Jdbc.read(c, NONE_FOUND, rs -> rs.next() && confirms(rs, 2, search, hit)
          ? new Page(EMPTY.copy(), rs.getLong(1)) : null, prefix, lowered);
    }
    Long[] ids = java.util.Arrays.stream(hit.ids()).boxed().toArray(Long[]::new);
    return Jdbc.read(c, BY_ID, rs -> write(rs, limit, search, hit), prefix, lowered, ids);
  }

  /** Whether the row's {@link #CURRENT} columns, from {@code column} on, confirm {@code hit}. */
  private static boolean confirms(ResultSet rs, int column, UserSearch search, UserSearch.Hit hit) throws SQLException {
    if (!rs.getBoolean(column)) return false;
    long seen = rs.getLong(column + 1); // the version
    if (seen == hit.through()) return true;
    search.saw(seen);
    return false;
  }

  private static final SerializableString ITEMS = JsonOut.name("items");
  private static final SerializableString ID = JsonOut.name("id");
  private static final SerializableString USERNAME = JsonOut.name("username");
  private static final SerializableString EMAIL = JsonOut.name("email");
  private static final SerializableString DISPLAY_NAME = JsonOut.name("display_name");
  private static final SerializableString TYPE = JsonOut.name("type");
  private static final SerializableString DEPARTMENT = JsonOut.name("department");
  private static final SerializableString EXTERNAL_ID = JsonOut.name("external_id");
  private static final SerializableString ACTIVE = JsonOut.name("active");
  private static final SerializableString VERIFIED = JsonOut.name("verified");
  private static final SerializableString CREATED_AT = JsonOut.name("created_at");
  private static final SerializableString UPDATED_AT = JsonOut.name("updated_at");
  private static final SerializableString NEXT = JsonOut.name("next");
  private static final SerializableString HAS_MORE = JsonOut.name("has_more");
  /** Bytes of a page per row asked for: a 50-user page of the seeded university is about 16 KB. */
  private static final int ROW_BYTES = 360;

  private static Page write(ResultSet rs, int limit) throws SQLException {
    return write(rs, limit, null, null);
  }

  /**
   * The page from {@code rs}; with a {@code hit} ({@link #BY_ID}'s rows), null as soon as a row fails to
   * confirm it (see {@link #fromIndex}).
   */
  private static Page write(ResultSet rs, int limit, UserSearch search, UserSearch.Hit hit) throws SQLException {
    try (JsonOut out = new JsonOut(ROW_BYTES * Math.min(limit, 100) + 64)) {
      JsonGenerator g = out.generator();
      g.writeStartObject();
      g.writeFieldName(ITEMS);
      g.writeStartArray();
      int rows = 0;
      long last = 0;
      long revision = -1;
      boolean more = false;
      int seen = 0;
      while (rs.next()) {
        if (hit != null && seen == 0 && !confirms(rs, 13, search, hit)) return null;
        if (hit != null && (seen >= hit.ids().length || rs.getLong(1) != hit.ids()[seen++])) {
          search.reload(); // a candidate is gone (deleted outside Provost)
          return null;
        }
        if (rows == limit) {
          more = true;
          if (hit == null) break;
          continue; // the rest confirm the page too
        }
        rows++;
        last = rs.getLong(1);
        revision = rs.getLong(12);
        g.writeStartObject();
        g.writeFieldName(ID);
        g.writeNumber(last);
        JsonOut.text(g, USERNAME, rs, 2);
        JsonOut.text(g, EMAIL, rs, 3);
        JsonOut.text(g, DISPLAY_NAME, rs, 4);
        JsonOut.text(g, TYPE, rs, 5);
        JsonOut.text(g, DEPARTMENT, rs, 6);
        JsonOut.text(g, EXTERNAL_ID, rs, 7);
        g.writeFieldName(ACTIVE);
        g.writeBoolean(rs.getBoolean(8));
        g.writeFieldName(VERIFIED);
        g.writeBoolean(rs.getBoolean(9));
        out.timestamp(CREATED_AT, rs.getTimestamp(10));
        out.timestamp(UPDATED_AT, rs.getTimestamp(11));
        g.writeEndObject();
      }
      if (hit != null && seen != hit.ids().length) {
        // a candidate is gone (deleted outside Provost); with none left, the snapshot could not be confirmed
        // either (a replica's may trail the primary's): searched in SQL, and found at the next full load
        if (seen > 0) search.reload();
        return null;
      }
      g.writeEndArray();
      g.writeFieldName(NEXT);
      if (more) g.writeString(Long.toString(last));
      else g.writeNull();
      g.writeFieldName(HAS_MORE);
      g.writeBoolean(more);
      g.writeEndObject();
      return new Page(out.finish(), revision);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
