package org.provost.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.provost.testing.AccessFixture;
import org.provost.testing.Http.Response;
import org.provost.testing.ProvostServer;

/**
 * Every filter of every listing, alone and in each pair, against a reference computed here from the whole
 * unfiltered listing (issue 8 item 4: {@code GET /v1/users?department=CS} was a 500). Results are read in
 * small pages, so the cursor is exercised with each filter too.
 */
class ListingFilterTest {
  @RegisterExtension
  static final ProvostServer server = ProvostServer.builder().directory().build();

  /** A listing filter: its query parameter, values to try, and whether an item matches a value. */
  record Filter(String name, List<String> values, Matcher matches) {}

  @FunctionalInterface
  interface Matcher {
    boolean test(JsonObject item, String value);
  }

  @BeforeAll
  static void seed() {
    AccessFixture fx = server.fixture();
    fx.sql("""
        INSERT INTO departments (code, name) VALUES ('ARTS', 'Arts');
        INSERT INTO departments (code, name, parent_id) SELECT 'HIST', 'History', id FROM departments WHERE code = 'ARTS';
        INSERT INTO departments (code, name, parent_id) SELECT 'AI', 'Artificial Intelligence', id FROM departments
          WHERE code = 'CS';
        INSERT INTO courses (code, title, department_id) SELECT 'HIST100', 'History', id FROM departments
          WHERE code = 'HIST';
        INSERT INTO terms (code, name, starts_on, ends_on) VALUES ('2027-spring', 'Spring', '2027-01-10', '2027-05-10');
        INSERT INTO offerings (course_id, term_id) SELECT c.id, t.id FROM courses c, terms t
          WHERE t.code = '2027-spring' AND c.code IN ('CS101', 'HIST100');
        INSERT INTO changelog (entity, entity_id, op) VALUES ('bulk', 'fixture', 'reload')""");
    Random random = new Random(8);
    String[] types = {"student", "faculty", "staff", "affiliate"};
    String[] departments = {null, "SCI", "CS", "AI", "MATH", "ARTS", "HIST"};
    String[] names = {"alma", "alvaro", "bea", "zed", "Zelda", "exa"};
    for (int i = 0; i < 40; i++) {
      String username = names[i % names.length] + i;
      JsonObject body = new JsonObject().put("username", username).put("email", "m" + i + "@uni.example")
          .put("display_name", (i % 3 == 0 ? "Exa " : "Dee ") + username)
          .put("type", types[random.nextInt(types.length)]).put("department", departments[random.nextInt(departments.length)])
          .put("verified", random.nextBoolean()).put("active", random.nextInt(4) != 0);
      Response r = server.http.post("/v1/users", server.admin(), body);
      assertThat(r.status()).as(r.toString()).isEqualTo(201);
    }
  }

  /** Every item of a listing, following {@code next} in pages of {@code limit}. */
  static List<JsonObject> all(String path, int limit) {
    List<JsonObject> out = new ArrayList<>();
    String after = null;
    for (int pages = 0; pages < 1000; pages++) {
      String url = path + (path.contains("?") ? "&" : "?") + "limit=" + limit
          + (after == null ? "" : "&after=" + URLEncoder.encode(after, StandardCharsets.UTF_8));
      Response r = server.http.get(url, server.admin());
      assertThat(r.status()).as(url + ": " + r).isEqualTo(200);
      r.json().getJsonArray("items").forEach(i -> out.add((JsonObject) i));
      after = r.json().getString("next");
      if (after == null) return out;
    }
    throw new AssertionError("no end to " + path);
  }

  /** Each filter alone and each pair of filters, for every combination of their values. */
  static void checkListing(String path, String key, List<Filter> filters) {
    List<JsonObject> everything = all(path, 500);
    assertThat(everything).isNotEmpty();
    int queries = 0;
    for (int i = 0; i < filters.size(); i++) {
      for (String v : filters.get(i).values()) {
        queries += compare(path, key, everything, Map.of(filters.get(i), v));
      }
      for (int j = i + 1; j < filters.size(); j++) {
        for (String v : filters.get(i).values()) {
          for (String w : filters.get(j).values()) {
            Map<Filter, String> pair = new LinkedHashMap<>();
            pair.put(filters.get(i), v);
            pair.put(filters.get(j), w);
            queries += compare(path, key, everything, pair);
          }
        }
      }
    }
    assertThat(queries).isPositive();
  }

  private static int compare(String path, String key, List<JsonObject> everything, Map<Filter, String> chosen) {
    StringBuilder query = new StringBuilder(path).append('?');
    List<Object> expected = new ArrayList<>();
    chosen.forEach((f, v) -> query.append(f.name()).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8))
        .append('&'));
    for (JsonObject item : everything) {
      if (chosen.entrySet().stream().allMatch(e -> e.getKey().matches().test(item, e.getValue()))) {
        expected.add(item.getValue(key));
      }
    }
    String url = query.substring(0, query.length() - 1);
    List<Object> got = all(url, 3).stream().map(i -> i.getValue(key)).toList();
    assertThat(got).as(url).isEqualTo(expected);
    return 1;
  }

  @Test
  void users_everyFilterAndPair() {
    Map<String, String> parentOf = new HashMap<>();
    for (JsonObject d : all("/v1/departments", 500)) parentOf.put(d.getString("code"), d.getString("parent"));
    List<Filter> filters = List.of(
        new Filter("type", List.of("student", "faculty", "staff", "affiliate"),
            (u, v) -> v.equals(u.getString("type"))),
        new Filter("department", List.of("SCI", "CS", "AI", "ARTS", "HIST", "MATH"),
            (u, v) -> within(parentOf, u.getString("department"), v)),
        new Filter("active", List.of("true", "false"), (u, v) -> u.getBoolean("active") == Boolean.parseBoolean(v)),
        new Filter("verified", List.of("true", "false"),
            (u, v) -> u.getBoolean("verified") == Boolean.parseBoolean(v)),
        new Filter("q", List.of("al", "ZE", "exa", "m1", "nobody"), (u, v) -> {
          String p = v.toLowerCase();
          return u.getString("username").toLowerCase().startsWith(p) || u.getString("email").toLowerCase().startsWith(p)
              || u.getString("display_name").toLowerCase().startsWith(p);
        }));
    checkListing("/v1/users", "id", filters);
  }

  /** Whether department {@code code} is {@code ancestor} or under it. */
  private static boolean within(Map<String, String> parentOf, String code, String ancestor) {
    for (String d = code; d != null; d = parentOf.get(d)) {
      if (d.equals(ancestor)) return true;
    }
    return false;
  }

  @Test
  void departments_courses_offerings_everyFilterAndPair() {
    checkListing("/v1/departments", "code", List.of(new Filter("parent", List.of("SCI", "ARTS", "CS", "MATH"),
        (d, v) -> v.equals(d.getString("parent")))));
    checkListing("/v1/courses", "code", List.of(new Filter("department", List.of("CS", "MATH", "HIST", "SCI"),
        (c, v) -> v.equals(c.getString("department")))));
    checkListing("/v1/offerings", "id", List.of(
        new Filter("course", List.of("CS101", "CS202", "HIST100"), (o, v) -> v.equals(o.getString("course"))),
        new Filter("term", List.of("2026-fall", "2027-spring"), (o, v) -> v.equals(o.getString("term")))));
  }

  @Test
  void audit_everyFilterAndPair() {
    List<JsonObject> events = all("/v1/audit", 1000);
    List<String> actions = events.stream().map(e -> e.getString("action")).distinct().toList();
    List<String> targets = events.stream().map(e -> e.getString("target")).distinct().limit(6).toList();
    List<String> actors = events.stream().map(e -> e.getString("actor")).distinct().toList();
    assertThat(actions).hasSizeGreaterThan(1);
    checkListing("/v1/audit", "id", List.of(
        new Filter("actor", actors, (e, v) -> v.equals(e.getString("actor"))),
        new Filter("action", actions, (e, v) -> v.equals(e.getString("action"))),
        new Filter("target", targets, (e, v) -> v.equals(e.getString("target")))));
  }
}
