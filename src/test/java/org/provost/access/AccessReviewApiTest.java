package org.provost.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.provost.testing.AccessFixture;
import org.provost.testing.Http;
import org.provost.testing.Http.Response;
import org.provost.testing.ProvostServer;

/**
 * {@code GET /v1/access-review} and {@code GET /v1/users/{id}/access} over the real API: the issue's
 * question ("who could write the grades of CS101 in fall 2026, on a given day, and through which grant"),
 * past instants after revokes, role edits, moves and deactivations, CSV, paging, who may ask, bad input.
 */
class AccessReviewApiTest {
  static final String CS101 = "offering:CS101/2026-fall";
  @RegisterExtension
  static final ProvostServer server = ProvostServer.builder().directory().build();
  static final AccessFixture fx = server.fixture();
  static final Http http = server.http;
  static long adminId;

  @BeforeAll
  static void seed() {
    adminId = fx.id("admin");
  }

  static Response review(String token, String permission, String resource, Instant at, String extra) {
    return http.get("/v1/access-review?permission=" + permission + "&resource=" + enc(resource)
        + (at == null ? "" : "&at=" + enc(at.toString())) + (extra == null ? "" : extra), token);
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** username -> role chains of the grants listed for them, from an access review answer. */
  static Map<String, List<List<String>>> holders(Response r) {
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    Map<String, List<List<String>>> out = new java.util.TreeMap<>();
    for (Object o : r.json().getJsonArray("items")) {
      JsonObject item = (JsonObject) o;
      List<List<String>> chains = new ArrayList<>();
      for (Object g : item.getJsonArray("grants")) {
        List<String> chain = new ArrayList<>();
        ((JsonObject) g).getJsonArray("role_chain").forEach(x -> chain.add((String) x));
        chains.add(chain);
      }
      out.put(item.getJsonObject("user").getString("username"), chains);
    }
    return out;
  }

  static Instant pause() {
    Instant t = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    try {
      Thread.sleep(5);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return t;
  }

  @Test
  void pastInstants_seeRevokedGrants_roleEdits_movesAndDeactivations_asTheyWere() {
    long tina = fx.user("tina", "CS");
    long hugo = fx.user("hugo", "MATH");
    assertThat(http.post("/v1/roles", server.admin(), new JsonObject().put("name", "head_ta")
        .put("includes", new JsonArray().add("teaching_assistant"))).status()).isEqualTo(201);
    JsonObject ta = fx.grant(server.admin(), tina, "teaching_assistant", CS101);
    JsonObject head = http.post("/v1/users/" + hugo + "/grants", server.admin(), new JsonObject().put("role", "head_ta")
        .put("scope", "department:CS").put("reason", "=HYPERLINK(\"http://evil\"), \"quoted\"")).json();
    pause();
    Instant t1 = pause();

    JsonObject answer = review(server.admin(), "grades.write", CS101, t1, null).json();
    assertThat(holders(review(server.admin(), "grades.write", CS101, t1, null))).isEqualTo(Map.of(
        "admin", List.of(List.of("admin")), "tina", List.of(List.of("teaching_assistant")),
        "hugo", List.of(List.of("head_ta", "teaching_assistant"))));
    assertThat(answer.getString("at")).isEqualTo(t1.toString());
    assertThat(answer.getBoolean("history_complete")).isTrue();
    JsonObject hugoItem = answer.getJsonArray("items").stream().map(JsonObject.class::cast)
        .filter(i -> i.getJsonObject("user").getString("username").equals("hugo")).findFirst().orElseThrow();
    assertThat(hugoItem.getJsonObject("user").getString("department")).isEqualTo("MATH");
    JsonObject g = hugoItem.getJsonArray("grants").getJsonObject(0);
    assertThat(g.getLong("id")).isEqualTo(head.getLong("id"));
    assertThat(g.getString("role")).isEqualTo("head_ta");
    assertThat(g.getString("scope")).isEqualTo("department:CS");
    assertThat(g.getJsonObject("granted_by")).isEqualTo(new JsonObject().put("id", adminId).put("username", "admin"));

    // revoke tina's grant, make head_ta stop including teaching_assistant, move CS101 to MATH, deactivate hugo
    assertThat(http.delete("/v1/grants/" + ta.getLong("id"), server.admin()).status()).isEqualTo(200);
    assertThat(http.patch("/v1/roles/head_ta", server.admin(), new JsonObject().put("includes", new JsonArray())
        .put("permissions", new JsonArray().add("roster.read"))).status()).isEqualTo(200);
    Instant t2 = pause();
    assertThat(http.patch("/v1/courses/CS101", server.admin(), new JsonObject().put("department", "MATH")).status())
        .isEqualTo(200);
    Instant t3 = pause();
    assertThat(http.delete("/v1/users/" + hugo, server.admin()).status()).isEqualTo(200);
    Instant t4 = pause();

    assertThat(holders(review(server.admin(), "grades.write", CS101, t1, null))).containsOnlyKeys("admin", "tina", "hugo");
    assertThat(holders(review(server.admin(), "grades.write", CS101, t2, null))).containsOnlyKeys("admin");
    assertThat(holders(review(server.admin(), "roster.read", CS101, t2, null)).get("hugo"))
        .isEqualTo(List.of(List.of("head_ta")));
    // after the move, hugo's department:CS grant no longer covers CS101, but one on MATH would
    assertThat(holders(review(server.admin(), "roster.read", CS101, t3, null))).containsOnlyKeys("admin");
    assertThat(holders(review(server.admin(), "roster.read", "department:CS", t3, null))).containsKey("hugo");
    assertThat(holders(review(server.admin(), "roster.read", "department:CS", t4, null))).doesNotContainKey("hugo");
    assertThat(holders(review(server.admin(), "grades.write", CS101, null, null))).containsOnlyKeys("admin");

    // the converse: what hugo could do, and where, at t1 and after his deactivation
    JsonObject then = http.get("/v1/users/" + hugo + "/access?at=" + enc(t1.toString()), server.admin()).json();
    assertThat(then.getJsonObject("user").getBoolean("active")).isTrue();
    List<String> held = then.getJsonArray("permissions").stream().map(JsonObject.class::cast)
        .map(p -> p.getString("permission") + "@" + p.getString("scope")).toList();
    assertThat(held).containsExactly("course.materials.read@department:CS", "grades.read@department:CS",
        "grades.write@department:CS", "roster.read@department:CS");
    assertThat(then.getJsonArray("permissions").getJsonObject(2).getJsonArray("grants").getJsonObject(0)
        .getJsonArray("role_chain")).isEqualTo(new JsonArray().add("head_ta").add("teaching_assistant"));
    JsonObject now = http.get("/v1/users/" + hugo + "/access", server.admin()).json();
    assertThat(now.getJsonObject("user").getBoolean("active")).isFalse();
    assertThat(now.getJsonArray("permissions")).isEmpty();

    // CSV of the t1 answer: a header, one row per user x grant, quoting and formula neutralisation
    Response csv = http.send("GET", "/v1/access-review?permission=grades.write&resource=" + enc(CS101) + "&at="
        + enc(t1.toString()), server.admin(), null, null, "Accept", "text/csv");
    assertThat(csv.status()).isEqualTo(200);
    assertThat(csv.header("Content-Type")).startsWith("text/csv");
    String[] lines = csv.body().split("\r\n");
    assertThat(lines[0]).isEqualTo(String.join(",", AccessCsv.HEADER));
    assertThat(lines).hasSize(4);
    assertThat(csv.body()).contains(",head_ta,head_ta > teaching_assistant,department:CS,,,"
        + adminId + ",admin,\"'=HYPERLINK(\"\"http://evil\"\"), \"\"quoted\"\"\"\r\n");
  }

  @Test
  void paging_walksEveryHolder_once_inUserOrder() {
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      long id = fx.user("pager" + i, "MATH");
      fx.grant(server.admin(), id, "teaching_assistant", "offering:MATH201/2026-fall");
      ids.add(id);
    }
    List<String> seen = new ArrayList<>();
    String after = "";
    int pages = 0;
    while (true) {
      JsonObject page = review(server.admin(), "grades.read", "offering:MATH201/2026-fall", null, "&limit=3" + after).json();
      page.getJsonArray("items").forEach(i -> seen.add(((JsonObject) i).getJsonObject("user").getString("username")));
      pages++;
      if (!page.getBoolean("has_more")) {
        assertThat(page.getValue("next")).isNull();
        break;
      }
      after = "&after=" + page.getString("next");
    }
    // other tests of this class may add holders above MATH201 (department:SCI): compare with one big page
    List<String> expected = new ArrayList<>(holders(review(server.admin(), "grades.read", "offering:MATH201/2026-fall", null,
        "&limit=500")).keySet());
    expected.sort(java.util.Comparator.comparingLong(fx::id));
    assertThat(expected).contains("admin", "pager0", "pager3", "pager6");
    assertThat(pages).isEqualTo((expected.size() + 2) / 3);
    assertThat(seen).containsExactlyElementsOf(expected);
    Response csv = http.send("GET", "/v1/access-review?permission=grades.read&resource="
        + enc("offering:MATH201/2026-fall") + "&limit=2", server.admin(), null, null, "Accept", "text/csv");
    assertThat(csv.header("Link")).contains("after=" + ids.get(0)).endsWith("rel=\"next\"");
  }

  @Test
  void paging_mergesGrantRanges_andSkipsInactiveUsers_withoutLosingAnyone() {
    List<String> inactive = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      long id = fx.user("merge" + i, "CS");
      // the first six through the offering, the next six through its course: two ranges, one below the other
      fx.grant(server.admin(), id, "teaching_assistant", i < 6 ? "offering:CS202/2026-fall" : "course:CS202");
      if (i == 0 || i == 1 || i == 6) {
        assertThat(http.delete("/v1/users/" + id, server.admin()).status()).isEqualTo(200);
        inactive.add("merge" + i);
      }
    }
    List<String> all = new ArrayList<>(holders(review(server.admin(), "grades.read", "offering:CS202/2026-fall", null,
        "&limit=500")).keySet());
    all.sort(java.util.Comparator.comparingLong(fx::id));
    assertThat(all).doesNotContainAnyElementsOf(inactive).contains("merge2", "merge5", "merge7", "merge11");
    for (int limit = 1; limit <= 3; limit++) {
      List<String> seen = new ArrayList<>();
      String after = "";
      while (true) {
        JsonObject page = review(server.admin(), "grades.read", "offering:CS202/2026-fall", null, "&limit=" + limit + after)
            .json();
        page.getJsonArray("items").forEach(i -> seen.add(((JsonObject) i).getJsonObject("user").getString("username")));
        if (!page.getBoolean("has_more")) break;
        after = "&after=" + page.getString("next");
      }
      assertThat(seen).as("limit %d", limit).containsExactlyElementsOf(all);
    }
  }

  @Test
  void whoMayReview_accessReviewInScope_orOneself() {
    long rita = fx.user("rita", "CS");
    long other = fx.user("otto", "MATH");
    assertThat(http.post("/v1/roles", server.admin(), new JsonObject().put("name", "reviewer")
        .put("permissions", new JsonArray().add("access.review"))).status()).isEqualTo(201);
    fx.grant(server.admin(), rita, "reviewer", "department:CS");
    String token = fx.login("rita");
    assertThat(review(token, "grades.write", CS101.replace("CS101", "CS202"), null, null).status()).isEqualTo(200);
    assertThat(review(token, "grades.write", "department:CS", null, null).status()).isEqualTo(200);
    assertThat(review(token, "grades.write", "department:MATH", null, null).status()).isEqualTo(403);
    assertThat(review(token, "grades.write", "global", null, null).status()).isEqualTo(403);
    assertThat(http.get("/v1/users/" + rita + "/access", token).status()).isEqualTo(200);
    assertThat(http.get("/v1/users/" + other + "/access", token).status()).isEqualTo(403);
    assertThat(http.get("/v1/users/" + other + "/access", fx.login("otto")).status()).isEqualTo(200);
    assertThat(http.get("/v1/access-review?permission=grades.write", null).status()).isEqualTo(401);
  }

  @Test
  void badInput_answers400NamingTheField_unknownThings404() {
    assertField(http.get("/v1/access-review", server.admin()), "permission");
    assertField(http.get("/v1/access-review?permission=Grades", server.admin()), "permission");
    assertField(http.get("/v1/access-review?permission=grades.write&resource=dept:CS", server.admin()), "resource");
    assertField(http.get("/v1/access-review?permission=grades.write&resource=offering:CS101", server.admin()), "resource");
    for (String at : List.of("yesterday", "2026-10-15", "2026-10-15T12:00:00", "+10000-01-01T00:00:00Z",
        "0000-12-31T23:59:59Z", "-0001-01-01T00:00:00Z", "2026-13-01T00:00:00Z")) {
      assertField(http.get("/v1/access-review?permission=grades.write&at=" + enc(at), server.admin()), "at");
      assertField(http.get("/v1/users/" + adminId + "/access?at=" + enc(at), server.admin()), "at");
    }
    assertField(http.get("/v1/access-review?permission=grades.write&limit=501", server.admin()), "limit");
    assertField(http.get("/v1/access-review?permission=grades.write&after=-1", server.admin()), "after");
    assertField(http.get("/v1/access-review?permission=grades.write&after=x", server.admin()), "after");
    assertThat(http.get("/v1/access-review?permission=no.such", server.admin()).status()).isEqualTo(404);
    assertThat(http.get("/v1/access-review?permission=grades.write&resource=department:NOPE", server.admin()).status())
        .isEqualTo(404);
    assertThat(http.get("/v1/users/99999999/access", server.admin()).status()).isEqualTo(404);
    assertThat(http.get("/v1/users/nope/access", server.admin()).status()).isEqualTo(404);
  }

  @Test
  void beforeHistoryBegan_answersButSaysSo_andTheFutureUsesWindows() {
    JsonObject old = review(server.admin(), "grades.write", "global", Instant.parse("2000-01-01T00:00:00Z"), null).json();
    assertThat(old.getBoolean("history_complete")).isFalse();
    long fay = fx.user("fay", "CS");
    http.post("/v1/users/" + fay + "/grants", server.admin(), new JsonObject().put("role", "instructor")
        .put("scope", "course:CS202").put("valid_from", "2030-01-01T00:00:00Z")
        .put("valid_until", "2030-06-01T00:00:00Z"));
    assertThat(holders(review(server.admin(), "grades.write", "course:CS202", null, null))).doesNotContainKey("fay");
    assertThat(holders(review(server.admin(), "grades.write", "course:CS202", Instant.parse("2030-02-01T00:00:00Z"), null)))
        .containsKey("fay");
    assertThat(holders(review(server.admin(), "grades.write", "course:CS202", Instant.parse("2030-06-01T00:00:00Z"), null)))
        .doesNotContainKey("fay");
  }

  @Test
  void historyIsWrittenByTheDatabase_soWritesBehindTheApiAreKeptToo() {
    long sam = fx.user("sam", "CS");
    fx.grant(server.admin(), sam, "teaching_assistant", "department:CS");
    Instant before = pause();
    pause();
    fx.sql("UPDATE departments SET parent_id = NULL WHERE code = 'CS'");
    fx.sql("INSERT INTO changelog (entity, entity_id, op) VALUES ('bulk', 'test', 'reload')");
    assertThat(fx.count("SELECT count(*) FROM department_history WHERE code = 'CS'")).isEqualTo(2);
    // a grant on SCI covered CS before the move, not after
    long sue = fx.user("sue", null);
    fx.grant(server.admin(), sue, "teaching_assistant", "department:SCI");
    assertThat(holders(review(server.admin(), "grades.read", "department:CS", null, null))).doesNotContainKey("sue");
    fx.sql("UPDATE departments SET parent_id = (SELECT id FROM departments WHERE code = 'SCI') WHERE code = 'CS'");
    fx.sql("INSERT INTO changelog (entity, entity_id, op) VALUES ('bulk', 'test', 'reload')");
    assertThat(holders(review(server.admin(), "grades.read", "department:CS", null, null))).containsKey("sue");
    assertThat(holders(review(server.admin(), "grades.read", "department:CS", before, null))).doesNotContainKey("sue")
        .containsKey("sam");
  }

  @Test
  void anImportsDeactivationsAndMoves_areHistoryToo() {
    String header = "external_id,username,email,given_name,family_name,type,department,active,verified\n";
    Response created = http.send("POST", "/v1/imports?snapshot=false", server.admin(),
        header + "SIS-1,ivy,ivy@uni.test,Ivy,Lee,staff,CS,true,true\n", "text/csv");
    assertThat(created.status()).as(created.toString()).isEqualTo(200);
    long ivy = fx.id("ivy");
    fx.grant(server.admin(), ivy, "teaching_assistant", "course:MATH201");
    Instant before = pause();
    Response changed = http.send("POST", "/v1/imports?snapshot=false", server.admin(),
        header + "SIS-1,ivy,ivy@uni.test,Ivy,Lee,staff,MATH,false,true\n", "text/csv");
    assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
    JsonObject then = http.get("/v1/users/" + ivy + "/access?at=" + enc(before.toString()), server.admin()).json();
    assertThat(then.getJsonObject("user").getString("department")).isEqualTo("CS");
    assertThat(then.getJsonObject("user").getBoolean("active")).isTrue();
    assertThat(then.getJsonArray("permissions")).isNotEmpty();
    JsonObject now = http.get("/v1/users/" + ivy + "/access", server.admin()).json();
    assertThat(now.getJsonObject("user").getString("department")).isEqualTo("MATH");
    assertThat(now.getJsonObject("user").getBoolean("active")).isFalse();
    assertThat(now.getJsonArray("permissions")).isEmpty();
    assertThat(holders(review(server.admin(), "grades.read", "course:MATH201", before, null))).containsKey("ivy");
    assertThat(holders(review(server.admin(), "grades.read", "course:MATH201", null, null))).doesNotContainKey("ivy");
  }

  static void assertField(Response r, String field) {
    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(AccessFixture.fields(r)).as(r.toString()).contains(field);
  }
}
