package org.provost.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.provost.testing.Http;
import org.provost.testing.Http.Response;
import org.provost.testing.ProvostServer;

/**
 * Access review answers at past instants against an independent replay of the audit log (issue 11 item 1).
 * A seeded random sequence of real API calls (grants with windows, revokes, role edits of permissions and
 * includes, department and course moves, deactivations, reactivations, user moves) runs against a real
 * server; after each call the test notes the instant. Then, for many noted instants, {@link AuditReplay}
 * replays {@code /v1/audit} up to that instant and must give exactly what {@code /v1/access-review} and
 * {@code /v1/users/{id}/access} answer for it. {@code PROVOST_REPLAY_SEED} repeats a run,
 * {@code PROVOST_REPLAY_STEPS} (default 120) lengthens it; the seed is in every failure message.
 */
class AccessReplayTest {
  static final List<String> POOL = List.of("grades.write", "grades.read", "roster.read", "course.materials.read",
      "library.borrow", "lab.use");
  static final List<String> EDITABLE = List.of("ra", "rb", "rc", "teaching_assistant");
  static final List<String> GRANTABLE = List.of("ra", "rb", "rc", "teaching_assistant", "instructor", "student",
      "department_admin");
  static final List<String> DEPARTMENTS = List.of("SCI", "CS", "MATH", "D1", "D2");
  static final List<String> COURSES = List.of("CS101", "CS202", "MATH201", "C1", "C2");
  static final List<String> REASONS = List.of("", "teaches", "=1+2", "+cmd", "-x", "@sum", "a,b", "say \"hi\"",
      "line\nbreak", "é ü 中");
  @RegisterExtension
  static final ProvostServer server = ProvostServer.builder().directory().build();
  static final Http http = server.http;

  @Test
  void reviewsAtPastInstants_matchAReplayOfTheAuditLog() {
    long seed = Long.getLong("replay.seed", System.getenv("PROVOST_REPLAY_SEED") == null ? System.nanoTime()
        : Long.parseLong(System.getenv("PROVOST_REPLAY_SEED")));
    int steps = System.getenv("PROVOST_REPLAY_STEPS") == null ? 120
        : Integer.parseInt(System.getenv("PROVOST_REPLAY_STEPS"));
    Random random = new Random(seed);
    String why = "seed " + seed + " (PROVOST_REPLAY_SEED=" + seed + " repeats this run)";

    AuditReplay start = snapshot();
    List<Long> users = new ArrayList<>();
    List<Long> liveGrants = new ArrayList<>();
    List<Instant> instants = new ArrayList<>();
    ok(http.post("/v1/permissions", server.admin(), new JsonObject().put("name", "lab.use")), why);
    ok(http.post("/v1/departments", server.admin(), new JsonObject().put("code", "D1").put("name", "One").put("parent", "SCI")), why);
    ok(http.post("/v1/departments", server.admin(), new JsonObject().put("code", "D2").put("name", "Two").put("parent", "D1")), why);
    ok(http.post("/v1/courses", server.admin(), new JsonObject().put("code", "C1").put("title", "C").put("department", "D1")), why);
    ok(http.post("/v1/courses", server.admin(), new JsonObject().put("code", "C2").put("title", "C").put("department", "D2")), why);
    for (String c : List.of("C1", "C2")) {
      ok(http.post("/v1/offerings", server.admin(), new JsonObject().put("course", c).put("term", "2026-fall")), why);
    }
    for (String r : List.of("ra", "rb", "rc")) {
      ok(http.post("/v1/roles", server.admin(), new JsonObject().put("name", r).put("permissions", subset(random, POOL))), why);
    }
    for (int i = 0; i < 8; i++) {
      users.add(ok(http.post("/v1/users", server.admin(), new JsonObject().put("username", "rp" + i).put("email", "rp" + i
          + "@uni.test").put("type", "staff").put("display_name", "R " + i).put("department", pick(random, DEPARTMENTS))),
          why).getLong("id"));
    }
    instants.add(now());

    for (int step = 0; step < steps; step++) {
      int op = random.nextInt(100);
      long user = pick(random, users);
      if (op < 35) {
        JsonObject body = new JsonObject().put("role", pick(random, GRANTABLE)).put("scope", scope(random))
            .put("reason", pick(random, REASONS));
        if (random.nextInt(3) > 0) {
          Instant from = Instant.now().plusMillis(random.nextInt(3000) - 1500).truncatedTo(ChronoUnit.MILLIS);
          if (random.nextBoolean()) body.put("valid_from", from.toString());
          if (random.nextBoolean()) body.put("valid_until", from.plusMillis(1 + random.nextInt(2500)).toString());
        }
        Response r = http.post("/v1/users/" + user + "/grants", server.admin(), body);
        if (r.status() == 201) liveGrants.add(r.json().getLong("id"));
      } else if (op < 50 && !liveGrants.isEmpty()) {
        long g = liveGrants.remove(random.nextInt(liveGrants.size()));
        ok(http.delete("/v1/grants/" + g, server.admin()), why);
      } else if (op < 65) {
        JsonObject body = new JsonObject();
        String role = pick(random, EDITABLE);
        if (random.nextBoolean() || role.equals("teaching_assistant")) body.put("permissions", subset(random, POOL));
        if (random.nextBoolean()) {
          JsonArray inc = subset(random, List.of("ra", "rb", "rc", "teaching_assistant", "student"));
          inc.remove(role);
          body.put("includes", inc);
        }
        http.patch("/v1/roles/" + role, server.admin(), body); // an include cycle is refused: fine, nothing changes
      } else if (op < 75) {
        String d = pick(random, DEPARTMENTS.subList(1, DEPARTMENTS.size()));
        String parent = random.nextInt(4) == 0 ? null : pick(random, DEPARTMENTS);
        http.patch("/v1/departments/" + d, server.admin(), new JsonObject().put("parent", parent)); // cycles are refused
      } else if (op < 83) {
        ok(http.patch("/v1/courses/" + pick(random, COURSES), server.admin(),
            new JsonObject().put("department", pick(random, DEPARTMENTS))), why);
      } else if (op < 91) {
        if (random.nextBoolean()) ok(http.delete("/v1/users/" + user, server.admin()), why);
        else ok(http.patch("/v1/users/" + user, server.admin(), new JsonObject().put("active", true)), why);
      } else {
        ok(http.patch("/v1/users/" + user, server.admin(), new JsonObject().put("department", pick(random, DEPARTMENTS))), why);
      }
      instants.add(now());
    }
    instants.add(Instant.now().plusMillis(1000 + random.nextInt(2000)).truncatedTo(ChronoUnit.MICROS));

    List<JsonObject> events = audit();
    int compared = 0;
    int beyondAdmin = 0; // answers naming someone besides the administrator: the comparisons have substance
    for (int k = 0; k < 25; k++) {
      Instant at = pick(random, instants);
      AuditReplay model = start.copy();
      for (JsonObject e : events) if (!Instant.parse(e.getString("at")).isAfter(at)) model.apply(e);
      for (int q = 0; q < 6; q++) {
        String permission = pick(random, POOL);
        String resource = random.nextInt(6) == 0 ? "global" : scope(random);
        // walked in small pages, so the paging (and its merge of per-grant ranges) is compared too
        int limit = 1 + random.nextInt(4);
        JsonArray pages = new JsonArray();
        String after = "";
        while (true) {
          JsonObject got = ok(http.get("/v1/access-review?permission=" + permission + "&resource=" + enc(resource)
              + "&at=" + enc(at.toString()) + "&limit=" + limit + after, server.admin()), why);
          assertThat(got.getJsonArray("items").size()).as(why).isLessThanOrEqualTo(limit);
          pages.addAll(got.getJsonArray("items"));
          if (!got.getBoolean("has_more")) break;
          after = "&after=" + got.getString("next");
        }
        JsonArray items = new JsonArray();
        for (Object o : pages) {
          JsonObject item = ((JsonObject) o).copy();
          JsonObject u = item.getJsonObject("user");
          item.put("user", new JsonObject().put("id", u.getLong("id")).put("username", u.getString("username"))
              .put("department", u.getString("department")));
          items.add(item);
        }
        assertThat(items).as("%s: access review of %s on %s at %s", why, permission, resource, at)
            .isEqualTo(model.review(permission, resource, at));
        compared++;
        if (items.size() > 1) beyondAdmin++;
      }
      for (int q = 0; q < 3; q++) {
        long user = pick(random, users);
        JsonObject got = ok(http.get("/v1/users/" + user + "/access?at=" + enc(at.toString()), server.admin()), why);
        assertThat(got.getJsonArray("permissions")).as("%s: access of user %d at %s", why, user, at)
            .isEqualTo(model.access(user, at));
        compared++;
      }
    }
    // now, the review agrees with /v1/check (the same scope rule, answered by the in-memory index), once
    // every grant window has opened or closed for good
    AuditReplay last = start.copy();
    events.forEach(last::apply);
    Instant settled = last.grants.values().stream()
        .flatMap(g -> java.util.stream.Stream.of(g.validFrom(), g.validUntil()))
        .filter(java.util.Objects::nonNull).map(Instant::parse).max(Instant::compareTo).orElse(Instant.EPOCH);
    long wait = java.time.Duration.between(Instant.now(), settled).toMillis() + 50;
    if (wait > 0) {
      try {
        Thread.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    List<Long> everyone = new ArrayList<>(users);
    everyone.add(adminId());
    for (int q = 0; q < 10; q++) {
      String permission = pick(random, POOL);
      String resource = random.nextInt(6) == 0 ? "global" : scope(random);
      java.util.Set<Long> reviewed = new java.util.TreeSet<>();
      ok(http.get("/v1/access-review?permission=" + permission + "&resource=" + enc(resource) + "&limit=500", server.admin()),
          why).getJsonArray("items").forEach(i -> reviewed.add(((JsonObject) i).getJsonObject("user").getLong("id")));
      java.util.Set<Long> checked = new java.util.TreeSet<>();
      for (long u : everyone) {
        if (ok(http.get("/v1/check?subject=" + u + "&permission=" + permission + "&resource=" + enc(resource), server.admin()),
            why).getBoolean("allowed")) {
          checked.add(u);
        }
      }
      assertThat(reviewed).as("%s: review now vs /v1/check, %s on %s", why, permission, resource).isEqualTo(checked);
    }
    assertThat(compared).isEqualTo(25 * 9);
    assertThat(beyondAdmin).as(why).isGreaterThan(10);
  }

  static long adminId() {
    return http.get("/v1/me", server.admin()).json().getJsonObject("user").getLong("id");
  }

  /** The state the audit log does not describe: roles from the migrations and the SQL-written directory. */
  static AuditReplay snapshot() {
    AuditReplay m = new AuditReplay();
    for (Object o : http.get("/v1/roles", server.admin()).json().getJsonArray("items")) {
      JsonObject r = (JsonObject) o;
      m.apply(new JsonObject().put("action", "role.create").put("after", r));
    }
    for (Object o : http.get("/v1/departments?limit=100", server.admin()).json().getJsonArray("items")) {
      m.apply(new JsonObject().put("action", "department.create").put("after", o));
    }
    for (Object o : http.get("/v1/courses?limit=100", server.admin()).json().getJsonArray("items")) {
      m.apply(new JsonObject().put("action", "course.create").put("after", o));
    }
    return m;
  }

  /** Every audit event, oldest first (from the very first one: the bootstrap of the admin account). */
  static List<JsonObject> audit() {
    List<JsonObject> out = new ArrayList<>();
    String after = "0";
    while (true) {
      JsonObject page = http.get("/v1/audit?limit=1000&after=" + after, server.admin()).json();
      page.getJsonArray("items").forEach(e -> out.add((JsonObject) e));
      if (!page.getBoolean("has_more")) return out;
      after = page.getString("next");
    }
  }

  static String scope(Random random) {
    return switch (random.nextInt(4)) {
      case 0 -> "global";
      case 1 -> "department:" + pick(random, DEPARTMENTS);
      case 2 -> "course:" + pick(random, COURSES);
      default -> "offering:" + pick(random, COURSES) + "/2026-fall";
    };
  }

  static JsonArray subset(Random random, List<String> from) {
    JsonArray out = new JsonArray();
    for (String s : from) if (random.nextInt(3) == 0) out.add(s);
    return out;
  }

  static <T> T pick(Random random, List<T> from) {
    return from.get(random.nextInt(from.size()));
  }

  static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MICROS);
  }

  static JsonObject ok(Response r, String why) {
    assertThat(r.status()).as("%s: %s", why, r).isBetween(200, 201);
    return r.json();
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
