package org.provost.users;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.provost.testing.AccessFixture;
import org.provost.testing.Http.Response;
import org.provost.testing.ProvostServer;
import org.provost.testing.Scrape;

/**
 * {@code GET /v1/users?q=} answered from the in-memory search index ({@link UserSearch}) is the answer PostgreSQL
 * gives, after any sequence of writes: randomized renames and creations through the API, renames, inserts and
 * deletes by plain SQL (which no change feed reports), bulk inserts, with searches of prefixes that hit many,
 * few or no users, in every column, at random cursors and page sizes. The reference is an independent plain
 * query ({@code lower(column) LIKE prefix || '%'} over the three columns, in id order). The index must also
 * have answered most searches itself, and the rest (the ones right after a write it had not caught up with)
 * in SQL.
 */
class UserSearchTest {
  @RegisterExtension
  static final ProvostServer server = ProvostServer.builder().directory().build();
  static final AccessFixture fx = server.fixture();
  /** Letters few enough that prefixes collide: "ab" matches many users, "abcab" few, "zz" none. */
  private static final String LETTERS = "abc";
  private static final String[] NAMES = {"Ábel", "Abigail", "Bao", "Cat", "Çelik", "İlker", "Σοφία", "Ωmega",
      "Zoë", "O'Brien", "anna-lena", "Ana_Maria", "50%off", "\uD83D\uDE00 Smiley"};

  @BeforeAll
  static void seed() {
    // 600 users by plain SQL, before the index's first load or after it, whichever comes first
    fx.sql("""
        INSERT INTO users (username, email, username_key, email_key, display_name, type)
        SELECT n, n || '@search.test', n, n || '@search.test',
               initcap(translate(to_hex(i * 7919), '0123456789def', 'abcabcabcabca')) || ' ' || i, 'student'
        FROM (SELECT i, 'seed' || i AS n FROM generate_series(1, 600) i) s""");
  }

  @Test
  void searchesFromMemory_equalPostgresqlsAnswer_afterRandomWrites() {
    long seed = Long.getLong("provost.test.seed", System.nanoTime());
    Random random = new Random(seed);
    List<Long> ours = new ArrayList<>(); // users this test made
    for (int step = 0; step < 400; step++) {
      String what = write(random, ours, step);
      for (int i = 0; i < 4; i++) {
        String prefix = prefix(random);
        int limit = 1 + random.nextInt(random.nextBoolean() ? 5 : 60);
        long after = random.nextInt(4) == 0 ? random.nextInt((int) fx.count("SELECT max(id) FROM users") + 2) : 0;
        compare(prefix, limit, after, "seed " + seed + ", step " + step + " after " + what);
      }
    }
    double memory = Scrape.of(server).sum("provost_users_search_total", "source", "memory");
    double sql = Scrape.of(server).sum("provost_users_search_total", "source", "sql");
    assertThat(memory).as("searches answered from memory (seed %d; %s in SQL)", seed, sql).isGreaterThan(sql);
  }

  @Test
  void aPrefixPostgresqlLowersOtherwise_isSearchedInSql_andFound() {
    // Java lowers İ (U+0130) to "i̇" (i and a combining dot); PostgreSQL's lower() may not: the statement that
    // reads the candidates compares the two, and the search goes to SQL when they differ
    fx.sql("INSERT INTO users (username, email, username_key, email_key, display_name, type) VALUES"
        + " ('istanbul1', 'istanbul1@search.test', 'istanbul1', 'istanbul1@search.test', 'İstanbul Bir', 'staff')");
    compare("İSTANBUL", 5, 0, "İ");
    compare("İstanbul bİr", 5, 0, "İ");
  }

  /** One random write; returns what it was, for the failure message. */
  private static String write(Random random, List<Long> ours, int step) {
    int kind = random.nextInt(10);
    String name = word(random) + step;
    if (kind < 3 || ours.isEmpty()) {
      Response r = server.http.post("/v1/users", server.admin(), new JsonObject().put("username", name)
          .put("email", word(random) + step + "@search.test").put("display_name", display(random)).put("type", "staff"));
      assertThat(r.status()).as("%s", r).isEqualTo(201);
      ours.add(r.json().getLong("id"));
      return "API create " + name;
    }
    long id = ours.get(random.nextInt(ours.size()));
    return switch (kind) {
      case 3, 4 -> {
        JsonObject change = new JsonObject();
        switch (random.nextInt(3)) {
          case 0 -> change.put("username", name);
          case 1 -> change.put("email", name + "@search.test");
          default -> change.put("display_name", display(random));
        }
        Response r = server.http.patch("/v1/users/" + id, server.admin(), change);
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        yield "API rename " + id + " " + change.encode();
      }
      case 5, 6 -> {
        String display = display(random);
        fx.sql("UPDATE users SET display_name = ? WHERE id = ?", display, id);
        yield "SQL rename " + id + " to " + display;
      }
      case 7 -> {
        fx.sql("INSERT INTO users (username, email, username_key, email_key, display_name, type) VALUES"
            + " (?, ?, ?, ?, ?, 'staff')", "sql" + name, "sql" + name + "@search.test", "sql" + name,
            "sql" + name + "@search.test", display(random));
        ours.add(fx.id("sql" + name));
        yield "SQL insert sql" + name;
      }
      case 8 -> {
        ours.remove(Long.valueOf(id));
        fx.sql("DELETE FROM users WHERE id = ?", id);
        yield "SQL delete " + id;
      }
      default -> {
        // more changed users than the index keeps beside its base: it loads everything again
        fx.sql("INSERT INTO users (username, email, username_key, email_key, display_name, type)"
            + " SELECT 'bulk' || ? || '-' || i, 'bulk' || ? || '-' || i || '@search.test', 'bulk' || ? || '-' || i,"
            + " 'bulk' || ? || '-' || i || '@search.test', 'Bulk ' || i, 'student' FROM generate_series(1, 120) i",
            name, name, name, name);
        yield "SQL bulk insert bulk" + name;
      }
    };
  }

  private static String word(Random random) {
    StringBuilder w = new StringBuilder();
    for (int i = 0, n = 1 + random.nextInt(5); i < n; i++) w.append(LETTERS.charAt(random.nextInt(LETTERS.length())));
    return w.toString();
  }

  private static String display(Random random) {
    return NAMES[random.nextInt(NAMES.length)] + " " + word(random);
  }

  /** A prefix that hits many users, few, one column only, or none; some upper case, some not ASCII. */
  private static String prefix(Random random) {
    return switch (random.nextInt(8)) {
      case 0 -> word(random);
      case 1 -> "seed" + random.nextInt(70);
      case 2 -> word(random).toUpperCase(java.util.Locale.ROOT);
      case 3 -> NAMES[random.nextInt(NAMES.length)].substring(0, 1 + random.nextInt(2));
      case 4 -> "bulk";
      case 5 -> "s";
      case 6 -> word(random) + "@";
      default -> "zz" + word(random);
    };
  }

  private static void compare(String prefix, int limit, long after, String context) {
    compare(server, prefix, limit, after, context);
  }

  /** One page of the API against the plain query, the page's cursor and has_more included. */
  static void compare(ProvostServer server, String prefix, int limit, long after, String context) {
    List<Long> expected = expected(server, prefix, after, limit + 1);
    String q = java.net.URLEncoder.encode(prefix, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    Response r = server.http.get("/v1/users?limit=" + limit + "&q=" + q + (after > 0 ? "&after=" + after : ""),
        server.admin());
    assertThat(r.status()).as("%s", r).isEqualTo(200);
    List<Long> got = new ArrayList<>();
    r.items().forEach(u -> got.add(((JsonObject) u).getLong("id")));
    String as = "q=" + prefix + " limit " + limit + " after " + after + " (" + context + ")";
    assertThat(got).as(as).isEqualTo(expected.subList(0, Math.min(limit, expected.size())));
    assertThat(r.json().getBoolean("has_more")).as(as).isEqualTo(expected.size() > limit);
    assertThat(r.json().getString("next")).as(as)
        .isEqualTo(expected.size() > limit ? String.valueOf(expected.get(limit - 1)) : null);
  }

  private static List<Long> expected(ProvostServer server, String prefix, long after, int rows) {
    String like = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    try (Connection c = DriverManager.getConnection(server.jdbcUrl());
        PreparedStatement ps = c.prepareStatement("SELECT id FROM users WHERE id > ? AND (lower(username) LIKE"
            + " lower(?) || '%' OR lower(email) LIKE lower(?) || '%' OR lower(display_name) LIKE lower(?) || '%')"
            + " ORDER BY id LIMIT ?")) {
      ps.setLong(1, after);
      for (int i = 2; i <= 4; i++) ps.setString(i, like);
      ps.setInt(5, rows);
      try (ResultSet rs = ps.executeQuery()) {
        List<Long> out = new ArrayList<>();
        while (rs.next()) out.add(rs.getLong(1));
        return out;
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
