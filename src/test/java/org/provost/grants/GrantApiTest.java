package org.provost.grants;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.provost.testing.AccessFixture;
import org.provost.testing.Http;
import org.provost.testing.Http.Response;
import org.provost.testing.ProvostServer;

/** Granting, listing and revoking over the real API, and /v1/check following each change. */
class GrantApiTest {
  static final String OFFERING = "offering:CS101/2026-fall";
  @RegisterExtension
  static final ProvostServer server = ProvostServer.builder().directory().build();
  static final AccessFixture fx = server.fixture();
  static final Http http = server.http;

  @Test
  void grantThenRevoke_flipsTheCheck_andAnswersRevisions() {
    long alice = fx.user("alice", "CS");
    assertThat(fx.check("alice", "grades.write", OFFERING)).isFalse();

    Response granted = http.post("/v1/users/" + alice + "/grants", server.admin(), new JsonObject().put("role", "instructor")
        .put("scope", OFFERING).put("reason", "teaches CS101 this fall"));
    assertThat(granted.status()).as(granted.toString()).isEqualTo(201);
    JsonObject g = granted.json();
    assertThat(g.getLong("user")).isEqualTo(alice);
    assertThat(g.getString("role")).isEqualTo("instructor");
    assertThat(g.getString("scope")).isEqualTo(OFFERING);
    assertThat(g.getString("reason")).isEqualTo("teaches CS101 this fall");
    assertThat(g.getValue("valid_from")).isNull();
    assertThat(g.getLong("granted_by")).isEqualTo(fx.count("SELECT id FROM users WHERE username = 'admin'"));
    long revision = g.getLong("revision");
    assertThat(fx.count("SELECT revision FROM grants WHERE id = ?", g.getLong("id"))).isEqualTo(revision);
    assertThat(fx.count("SELECT count(*) FROM changelog WHERE revision = ? AND entity = 'grant' AND entity_id = ?",
        revision, g.getLong("id").toString())).isEqualTo(1);
    assertThat(fx.count("SELECT count(*) FROM audit_events WHERE action = 'grant.create' AND target_id = ?"
        + " AND before IS NULL AND after ->> 'role' = 'instructor'", g.getLong("id").toString())).isEqualTo(1);

    assertThat(fx.check("alice", "grades.write", OFFERING)).isTrue();
    assertThat(fx.check(alice, "grades.write", "offering:CS202/2026-fall")).isFalse();
    assertThat(http.get("/v1/check?subject=alice&permission=grades.write&resource=" + OFFERING
        + "&at_least_revision=" + revision, server.admin()).json().getBoolean("allowed")).isTrue();

    Response revoked = http.delete("/v1/grants/" + g.getLong("id"), server.admin());
    assertThat(revoked.status()).as(revoked.toString()).isEqualTo(200);
    assertThat(revoked.json().getBoolean("revoked")).isTrue();
    assertThat(revoked.json().getLong("revision")).isGreaterThan(revision);
    assertThat(fx.check("alice", "grades.write", OFFERING)).isFalse();
    assertThat(fx.count("SELECT count(*) FROM audit_events WHERE action = 'grant.revoke' AND target_id = ?"
        + " AND before ->> 'scope' = ? AND after IS NULL", g.getLong("id").toString(), OFFERING)).isEqualTo(1);
    assertThat(http.delete("/v1/grants/" + g.getLong("id"), server.admin()).status()).isEqualTo(404);
  }

  @Test
  void grantOutsideItsValidityWindow_doesNotCount() {
    long bob = fx.user("bob", "CS");
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Response later = http.post("/v1/users/" + bob + "/grants", server.admin(), new JsonObject().put("role", "teaching_assistant")
        .put("scope", OFFERING).put("valid_from", now.plus(30, ChronoUnit.DAYS).toString())
        .put("valid_until", now.plus(120, ChronoUnit.DAYS).toString()));
    assertThat(later.status()).as(later.toString()).isEqualTo(201);
    assertThat(later.json().getString("valid_from")).isEqualTo(now.plus(30, ChronoUnit.DAYS).toString());
    assertThat(fx.check("bob", "roster.read", OFFERING)).isFalse();

    Response current = http.post("/v1/users/" + bob + "/grants", server.admin(), new JsonObject().put("role", "teaching_assistant")
        .put("scope", OFFERING).put("valid_from", now.minus(1, ChronoUnit.DAYS).toString())
        .put("valid_until", now.plus(1, ChronoUnit.DAYS).toString()));
    assertThat(current.status()).as(current.toString()).isEqualTo(201);
    assertThat(fx.check("bob", "roster.read", OFFERING)).isTrue();
  }

  @Test
  void departmentGrant_coversTheDepartmentsOfferings_butNotAnothers() {
    long carol = fx.user("carol", "CS");
    fx.grant(server.admin(), carol, "teaching_assistant", "department:CS");
    assertThat(fx.check("carol", "grades.read", OFFERING)).isTrue();
    assertThat(fx.check("carol", "grades.read", "course:CS202")).isTrue();
    assertThat(fx.check("carol", "grades.read", "offering:MATH201/2026-fall")).isFalse();
  }

  @Test
  void listing_isForTheUserThemself_orGrantsReadInTheirDepartment() {
    long dora = fx.user("dora", "MATH");
    fx.grant(server.admin(), dora, "student", "department:MATH");
    fx.user("eve", "MATH");
    long mathAdmin = fx.user("math_admin", "MATH");
    fx.grant(server.admin(), mathAdmin, "department_admin", "department:MATH");
    long csAdmin = fx.user("cs_admin", "CS");
    fx.grant(server.admin(), csAdmin, "department_admin", "department:CS");

    Response own = http.get("/v1/users/" + dora + "/grants", fx.login("dora"));
    assertThat(own.status()).isEqualTo(200);
    assertThat(own.items()).hasSize(1);
    assertThat(own.items().getJsonObject(0).getString("scope")).isEqualTo("department:MATH");
    assertThat(http.get("/v1/users/" + dora + "/grants", fx.login("math_admin")).status()).isEqualTo(200);
    assertThat(http.get("/v1/users/" + dora + "/grants", fx.login("eve")).status()).isEqualTo(403);
    assertThat(http.get("/v1/users/" + dora + "/grants", fx.login("cs_admin")).status()).isEqualTo(403);
    assertThat(http.get("/v1/users/" + dora + "/grants", server.admin()).items()).hasSize(1);
    assertThat(http.get("/v1/users/999999/grants", server.admin()).status()).isEqualTo(404);
    assertThat(http.get("/v1/users/nobody/grants", server.admin()).status()).isEqualTo(404);
  }

  @Test
  void revoke_needsGrantsWriteInTheGrantsScope() {
    long frank = fx.user("frank", "MATH");
    JsonObject g = fx.grant(server.admin(), frank, "student", "department:MATH");
    long csAdmin = fx.user("cs_admin_2", "CS");
    fx.grant(server.admin(), csAdmin, "department_admin", "department:CS");
    Map<String, String> before = fx.snapshot();

    Response r = http.delete("/v1/grants/" + g.getLong("id"), fx.login("cs_admin_2"));
    assertThat(r.status()).isEqualTo(403);
    assertThat(fx.snapshot()).isEqualTo(before);
    assertThat(http.delete("/v1/grants/999999", server.admin()).status()).isEqualTo(404);
    assertThat(http.delete("/v1/grants/x1", server.admin()).status()).isEqualTo(404);
  }

  @Test
  void aWindowFinerThanMicroseconds_isAnsweredAsStored_byTheWriteAndEveryReadAfterIt() {
    long bea = fx.user("bea", "CS");
    // timestamptz keeps microseconds and the API truncates to them: the answer of the write (built without a
    // read-back) must say exactly what the table holds
    Response granted = http.post("/v1/users/" + bea + "/grants", server.admin(), new JsonObject().put("role", "student")
        .put("scope", "department:CS").put("valid_from", "2026-01-01T00:00:00.1234567Z")
        .put("valid_until", "2027-01-01T00:00:00.9999996Z"));
    assertThat(granted.status()).as(granted.toString()).isEqualTo(201);
    assertThat(granted.json().getString("valid_from")).isEqualTo("2026-01-01T00:00:00.123456Z");
    assertThat(granted.json().getString("valid_until")).isEqualTo("2027-01-01T00:00:00.999999Z");
    assertThat(fx.count("SELECT count(*) FROM grants WHERE id = ? AND valid_from = '2026-01-01T00:00:00.123456Z'"
        + " AND valid_until = '2027-01-01T00:00:00.999999Z'", granted.json().getLong("id"))).isEqualTo(1);
    JsonObject listed = http.get("/v1/users/" + bea + "/grants", server.admin()).items().getJsonObject(0);
    assertThat(listed.getString("valid_from")).isEqualTo(granted.json().getString("valid_from"));
    assertThat(listed.getString("valid_until")).isEqualTo(granted.json().getString("valid_until"));
    // the same window again is a duplicate, however it is spelled
    Response again = http.post("/v1/users/" + bea + "/grants", server.admin(), new JsonObject().put("role", "student")
        .put("scope", "department:CS").put("valid_from", "2026-01-01T00:00:00.123456Z")
        .put("valid_until", "2027-01-01T00:00:00.9999991Z"));
    assertThat(again.status()).as(again.toString()).isEqualTo(409);
  }
}
