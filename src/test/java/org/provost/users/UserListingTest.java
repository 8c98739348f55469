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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.provost.testing.AccessFixture;
import org.provost.testing.Http.Response;
import org.provost.testing.TestServer;

/**
 * {@code GET /v1/users} pages as UserListing plans them (index orders for filters, a deferred join for
 * offset, the probe, few and many branches of a prefix search) agree with the plain query they replace, on data where
 * the plans differ: 2,400 users whose ids correlate with their type and prefix. Every query is asked eight
 * times, so PostgreSQL's generic plan (after five executions) is exercised too.
 */
class UserListingTest {
  static TestServer server;
  static AccessFixture fx;
  static String admin;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    fx = new AccessFixture(server).directory();
    admin = server.adminToken();
    // 2,400 users: "bulk" ones (more than UserListing.FEW match "bulk"), every 80th a "rare" one; students
    // first, then faculty, as a seed or an import lays them out; every third unverified, every seventh inactive
    fx.sql("""
        INSERT INTO users (username, email, username_key, email_key, display_name, type, is_active, is_verified)
        SELECT n, n || '@uni.test', n, n || '@uni.test', initcap(n), CASE WHEN i <= 1600 THEN 'student' ELSE 'faculty' END,
               i % 7 <> 0, i % 3 <> 0
        FROM (SELECT i, CASE WHEN i % 80 = 0 THEN 'rare' ELSE 'bulk' END || lpad(i::text, 5, '0') AS n
              FROM generate_series(1, 2400) i) s""");
    fx.sql("ANALYZE users");
  }

  @AfterAll
  static void stop() {
    if (server != null) server.close();
  }

  @Test
  void pages_matchThePlainQuery_forEveryPlan() {
    same("q=bulk", "(lower(username) LIKE 'bulk%' OR lower(email) LIKE 'bulk%' OR lower(display_name) LIKE 'bulk%')", 0);
    same("q=RARE", "(lower(username) LIKE 'rare%' OR lower(email) LIKE 'rare%' OR lower(display_name) LIKE 'rare%')", 0);
    same("q=bulk0012", "lower(username) LIKE 'bulk0012%'", 0);
    same("q=bu%25", "FALSE", 0);
    // the faculty follow 1,600 students: the probe of the first 1,000 ids finds none, "bulk" is too common
    // for the prefix indexes (more than FEW), so the page comes from the primary key in id order
    same("q=bulk&type=faculty", "lower(username) LIKE 'bulk%' AND type = 'faculty'", 0);
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
      Response r = server.http.get("/v1/users?limit=7&q=rare" + (after == null ? "" : "&after=" + after), admin);
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
    Response page = server.http.get("/v1/users?limit=1&q=listed", admin);
    JsonObject one = server.http.get("/v1/users/" + id, admin).json();
    assertThat(page.items().getJsonObject(0)).isEqualTo(one);
    assertThat(page.json().fieldNames()).containsExactlyInAnyOrder("items", "next", "has_more");
  }

  private static void same(String query, String where, int offset) {
    List<Long> expected = ids(where, offset, 51);
    for (int i = 0; i < 8; i++) {
      Response r = server.http.get("/v1/users?limit=50&" + query, admin);
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
