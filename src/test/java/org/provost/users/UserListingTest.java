package org.provost.users;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.provost.testing.AccessFixture;
import org.provost.testing.Http.Response;
import org.provost.testing.ProvostServer;

/**
 * {@code GET /v1/users} pages as UserListing plans them (index orders for filters, a deferred join for
 * offset, the two probes, few and many branches of a prefix search) agree with the plain query they replace, on data where
 * the plans differ: 2,400 users whose ids correlate with their type and prefix. Every query is asked eight
 * times, so PostgreSQL's generic plan (after five executions) is exercised too. The in-memory search index is
 * off here, so every {@code q=} search takes those plans (UserSearchTest checks the index against them).
 */
class UserListingTest {
  @RegisterExtension
  static final ProvostServer server = ProvostServer.builder().directory()
      .config("PROVOST_USER_SEARCH_INDEX", "false").build();
  static final AccessFixture fx = server.fixture();
  static long edgeStart;

  @BeforeAll
  static void seed() {
    // 2,400 users: "bulk" ones (more than UserListing.FEW match "bulk"), every 80th a "rare" one; students
    // first, then faculty, as a seed or an import lays them out; every third unverified, every seventh inactive
    fx.sql("""
        INSERT INTO users (username, email, username_key, email_key, display_name, type, is_active, is_verified)
        SELECT n, n || '@uni.test', n, n || '@uni.test', initcap(n), CASE WHEN i <= 1600 THEN 'student' ELSE 'faculty' END,
               i % 7 <> 0, i % 3 <> 0
        FROM (SELECT i, CASE WHEN i % 80 = 0 THEN 'rare' ELSE 'bulk' END || lpad(i::text, 5, '0') AS n
              FROM generate_series(1, 2400) i) s""");
    // after them, the edge cases of a prefix search, in this id order: LIKE's metacharacters as text (with
    // decoys a wildcard would match), each column alone, all three at once, and letters that Java's
    // toLowerCase lowers differently from PostgreSQL's lower() (İ, final sigma)
    edgeStart = fx.count("SELECT max(id) FROM users");
    String[][] edge = {
        {"pct%first", "pct1@edge.test", "A"}, {"pctXfirst", "pct2@edge.test", "B"},
        {"und_score", "und1@edge.test", "C"}, {"undXscore", "und2@edge.test", "D"}, {"und_two", "und3@edge.test", "E"},
        {"back\\slash", "back1@edge.test", "F"}, {"backXslash", "back2@edge.test", "G"},
        {"edge-u1", "x1@edge.test", "H"}, {"x-e2", "Edge-E2@edge.test", "I"}, {"x-d3", "x3@edge.test", "Edge D3"},
        {"edge-all", "edge-all@edge.test", "Edge All"},
        {"x-tr", "tr@edge.test", "İstanbul Üniversitesi"}, {"x-gr", "gr@edge.test", "ΟΔΥΣΣΕΑΣ Παπαδόπουλος"},
        {"x-emoji", "emoji@edge.test", "Emoji \uD83D\uDE00 fan"}, {"x-jamo", "jamo@edge.test", "Jamo x\uD7FFy"},
        {"x-max", "max@edge.test", "\uDBFF\uDFFF\uDBFF\uDFFF tail"}};
    for (String[] u : edge) {
      fx.sql("INSERT INTO users (username, email, username_key, email_key, display_name, type) VALUES (?, ?, ?, ?, ?,"
          + " 'staff')", u[0], u[1], u[0].toLowerCase(java.util.Locale.ROOT), u[1].toLowerCase(java.util.Locale.ROOT), u[2]);
    }
    fx.sql("ANALYZE users");
  }

  @Test
  void pages_matchThePlainQuery_forEveryPlan() {
    same("q=bulk", "(lower(username) LIKE 'bulk%' OR lower(email) LIKE 'bulk%' OR lower(display_name) LIKE 'bulk%')", 0);
    // every 80th: both probes find too few, the prefix indexes hold them all
    same("q=RARE", "(lower(username) LIKE 'rare%' OR lower(email) LIKE 'rare%' OR lower(display_name) LIKE 'rare%')", 0);
    same("q=bulk0012", "lower(username) LIKE 'bulk0012%'", 0);
    same("q=bu%25", "FALSE", 0);
    // the faculty follow 1,600 students: the probe of the first 1,000 ids finds none, "bulk" is too common
    // for the prefix indexes (more than FEW), so the page comes from the primary key in id order
    same("q=bulk&type=faculty", "lower(username) LIKE 'bulk%' AND type = 'faculty'", 0);
    // every seventh user: the first probe finds some, too few; the wider one fills the page
    same("q=bulk&active=false", "lower(username) LIKE 'bulk%' AND NOT is_active", 0);
    same("type=faculty", "type = 'faculty'", 0);
    same("active=true&verified=false", "is_active AND NOT is_verified", 0);
    same("active=false", "NOT is_active", 0);
    same("offset=1000", "TRUE", 1000);
    same("type=faculty&offset=300", "type = 'faculty'", 300);
    same("q=rare&offset=5", "(lower(username) LIKE 'rare%')", 5);
    same("offset=100000", "TRUE", 100000);
  }

  @Test
  void cursorWalk_ofAPrefixSearch_visitsEveryMatchOnceInIdOrder() {
    List<Long> expected = ids("lower(username) LIKE 'rare%'", 0, 1000);
    List<Long> seen = new ArrayList<>();
    String after = null;
    for (int page = 0; page < 20; page++) {
      Response r = server.http.get("/v1/users?limit=7&q=rare" + (after == null ? "" : "&after=" + after), server.admin());
      assertThat(r.status()).as("%s", r).isEqualTo(200);
      r.items().forEach(u -> seen.add(((JsonObject) u).getLong("id")));
      after = r.json().getString("next");
      assertThat(r.json().getBoolean("has_more")).isEqualTo(after != null);
      if (after == null) break;
    }
    assertThat(seen).hasSize(30).isEqualTo(expected);
  }

  @Test
  void pageBody_isTheSameJsonAsOneUser() {
    long id = fx.user("listed", "CS");
    Response page = server.http.get("/v1/users?limit=1&q=listed", server.admin());
    JsonObject one = server.http.get("/v1/users/" + id, server.admin()).json();
    assertThat(page.items().getJsonObject(0)).isEqualTo(one);
    assertThat(page.json().fieldNames()).containsExactlyInAnyOrder("items", "next", "has_more");
  }

  @Test
  void prefixSearch_takesLikeMetacharactersAsText_inEveryPlan() {
    for (long after : new long[] {0, edgeStart}) { // the prefix indexes, and the probe of the next rows
      assertThat(walk("pct%25", 1, after)).as("after %d", after).containsExactly("pct%first");
      assertThat(walk("PCT%25F", 1, after)).containsExactly("pct%first");
      assertThat(walk("und_", 1, after)).containsExactly("und_score", "und_two");
      assertThat(walk("back%5C", 1, after)).containsExactly("back\\slash");
      assertThat(walk("%25", 5, after)).isEmpty();
      assertThat(walk("_", 5, after)).isEmpty();
    }
  }

  @Test
  void prefixSearch_matchesUsernameEmailOrName_onceEach_inIdOrder_acrossPages() {
    for (int limit : new int[] {1, 2, 50}) {
      for (long after : new long[] {0, edgeStart}) {
        assertThat(walk("EDGE", limit, after)).as("limit %d after %d", limit, after)
            .containsExactly("edge-u1", "x-e2", "x-d3", "edge-all");
      }
    }
    assertThat(walk("edge-e", 1, 0)).containsExactly("x-e2"); // the email alone
    assertThat(walk("edge%20d", 1, 0)).containsExactly("x-d3"); // the display name alone
  }

  @Test
  void prefixSearch_lowersThePrefixAsTheColumns_andRaisesAnyLastCharacter() {
    // the whole value as the prefix finds it, whatever the letters: both lowered by PostgreSQL's lower()
    assertThat(walk("%C4%B0STANBUL", 1, 0)).containsExactly("x-tr"); // İSTANBUL
    assertThat(walk("%C4%B0stanbul%20%C3%9Cniversitesi", 1, 0)).containsExactly("x-tr");
    assertThat(walk("%CE%9F%CE%94%CE%A5%CE%A3%CE%A3%CE%95%CE%91%CE%A3", 1, 0)).containsExactly("x-gr"); // ΟΔΥΣΣΕΑΣ
    assertThat(walk("emoji%20%F0%9F%98%80", 1, 0)).containsExactly("x-emoji"); // a last code point beyond U+FFFF
    assertThat(walk("jamo%20x%ED%9F%BF", 1, 0)).containsExactly("x-jamo"); // U+D7FF: the next is U+E000
    assertThat(walk("%F4%8F%BF%BF", 1, 0)).containsExactly("x-max"); // U+10FFFF, which nothing follows
    assertThat(walk("%F4%8F%BF%BF%F4%8F%BF%BF%20t", 1, 0)).containsExactly("x-max");
    assertThat(walk("%F4%8F%BF%BF%F4%8F%BF%BF%20x", 1, 0)).isEmpty();
  }

  @Test
  void prefixSearch_findsARenameAtOnce_madeByAnyWriter() {
    // the searched columns are stored lowered (V41): generated by PostgreSQL, so a rename by plain SQL (psql,
    // an import) is found by its new name and no longer by its old one, with no code to keep them current
    fx.sql("INSERT INTO users (username, email, username_key, email_key, display_name, type) VALUES"
        + " ('x-ren', 'ren@rename.test', 'x-ren', 'ren@rename.test', 'Before Rename', 'staff')");
    assertThat(walk("before%20ren", 50, 0)).containsExactly("x-ren");
    fx.sql("UPDATE users SET display_name = 'Ärger Änderung', email = 'AFTER@Rename.test' WHERE username = 'x-ren'");
    assertThat(walk("before%20ren", 50, 0)).isEmpty();
    assertThat(walk("%C3%A4RGER", 50, 0)).containsExactly("x-ren"); // äRGER
    assertThat(walk("after%40r", 50, 0)).containsExactly("x-ren");
  }

  @Test
  void prefixSearch_withADepartment_bindsItInEveryStep() {
    // the department's id is a parameter of each step (probes, indexes, primary key): bound in order
    long cs = fx.user("deptq-cs", "CS");
    fx.user("deptq-math", "MATH");
    long cs2 = fx.user("deptq-cs2", "CS");
    for (String after : new String[] {"", "&after=" + (cs - 1)}) {
      Response r = server.http.get("/v1/users?limit=1&q=DEPTQ&department=CS" + after, server.admin());
      assertThat(r.status()).as("%s", r).isEqualTo(200);
      assertThat(r.items().getJsonObject(0).getLong("id")).isEqualTo(cs);
      Response next = server.http.get("/v1/users?limit=1&q=DEPTQ&department=CS&after=" + r.json().getString("next"),
          server.admin());
      assertThat(next.items().getJsonObject(0).getLong("id")).isEqualTo(cs2);
      assertThat(next.json().getBoolean("has_more")).isFalse();
    }
  }

  @Test
  void emptyPrefix_listsEveryone() {
    Response all = server.http.get("/v1/users?limit=50", server.admin());
    Response empty = server.http.get("/v1/users?limit=50&q=", server.admin());
    assertThat(empty.status()).isEqualTo(200);
    assertThat(empty.body()).isEqualTo(all.body());
  }

  @Test
  void pageRow_isTheSingleUsersBody_withAwkwardText() {
    // byte for byte, but for characters beyond U+FFFF: Jackson writes a String's as an escaped surrogate
    // pair, the page the driver's UTF-8 as it is; the same JSON string either way
    String bmp = "Zo\u00eb \"Q\" \\ O'Brien\t\u0001 </b> \u2028 \u65e5\u672c";
    fx.sql("INSERT INTO users (username, email, username_key, email_key, display_name, type, external_id) VALUES"
        + " ('awkward', 'awkward@edge.test', 'awkward', 'awkward@edge.test', ?, 'staff', ?),"
        + " ('awkward2', 'awkward2@edge.test', 'awkward2', 'awkward2@edge.test', ?, 'staff', NULL)",
        bmp, "ext\"1\\", bmp + " \uD83D\uDE00");
    String one = server.http.get("/v1/users/" + fx.id("awkward"), server.admin()).body();
    Response page = server.http.get("/v1/users?limit=1&q=awkward", server.admin());
    assertThat(page.body()).startsWith("{\"items\":[" + one + "],\"next\":\"");
    JsonObject two = server.http.get("/v1/users/" + fx.id("awkward2"), server.admin()).json();
    Response second = server.http.get("/v1/users?limit=1&q=awkward&after=" + page.json().getString("next"), server.admin());
    assertThat(second.items().getJsonObject(0)).isEqualTo(two);
    assertThat(second.items().getJsonObject(0).getString("display_name")).isEqualTo(bmp + " \uD83D\uDE00");
  }

  /** The usernames of every page of {@code GET /v1/users?q=} from cursor {@code after}, checking each page. */
  private static List<String> walk(String q, int limit, long after) {
    List<String> seen = new ArrayList<>();
    long last = after;
    String cursor = after == 0 ? null : String.valueOf(after);
    for (int page = 0; page < 100; page++) {
      Response r = server.http.get("/v1/users?limit=" + limit + "&q=" + q + (cursor == null ? "" : "&after=" + cursor),
          server.admin());
      assertThat(r.status()).as("%s", r).isEqualTo(200);
      assertThat(r.items().size()).isLessThanOrEqualTo(limit);
      for (Object o : r.items()) {
        JsonObject u = (JsonObject) o;
        assertThat(u.getLong("id")).as("id order").isGreaterThan(last);
        last = u.getLong("id");
        seen.add(u.getString("username"));
      }
      cursor = r.json().getString("next");
      assertThat(r.json().getBoolean("has_more")).isEqualTo(cursor != null);
      if (cursor == null) return seen;
      assertThat(cursor).isEqualTo(String.valueOf(last));
    }
    throw new AssertionError("more than 100 pages");
  }

  private static void same(String query, String where, int offset) {
    List<Long> expected = ids(where, offset, 51);
    for (int i = 0; i < 8; i++) {
      Response r = server.http.get("/v1/users?limit=50&" + query, server.admin());
      assertThat(r.status()).as("%s: %s", query, r).isEqualTo(200);
      JsonArray items = r.items();
      List<Long> got = new ArrayList<>();
      items.forEach(u -> got.add(((JsonObject) u).getLong("id")));
      assertThat(got).as("%s (run %d)", query, i).isEqualTo(expected.subList(0, Math.min(50, expected.size())));
      assertThat(r.json().getBoolean("has_more")).as(query).isEqualTo(expected.size() > 50);
      assertThat(r.json().getString("next")).as(query)
          .isEqualTo(expected.size() > 50 ? String.valueOf(expected.get(49)) : null);
    }
  }

  private static List<Long> ids(String where, int offset, int limit) {
    try (Connection c = DriverManager.getConnection(server.jdbcUrl());
        PreparedStatement ps = c.prepareStatement("SELECT id FROM users WHERE " + where
            + " ORDER BY id LIMIT " + limit + " OFFSET " + offset);
        ResultSet rs = ps.executeQuery()) {
      List<Long> out = new ArrayList<>();
      while (rs.next()) out.add(rs.getLong(1));
      return out;
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
