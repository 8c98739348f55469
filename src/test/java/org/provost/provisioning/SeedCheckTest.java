package org.provost.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.provost.config.Config;
import org.provost.db.Jdbc;
import org.provost.testing.Http.Response;
import org.provost.testing.ProvostServer;
import org.provost.testing.TestServer;

/** A seeded university as the running service sees it, on 15 October 2026 (the fall term). */
class SeedCheckTest {
  static final Instant NOW = Instant.parse("2026-10-15T12:00:00Z");
  @RegisterExtension
  static final ProvostServer server = ProvostServer.builder().clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
  static String admin;

  @BeforeAll
  static void seed() {
    Config config = Config.from(TestServer.settings(Map.of()));
    new Seeder(server.app().database(), config.argon2(), Progress.NONE).seed(
        new SeedOptions(200, 30, 10, 6, 30, 2, true, 11, LocalDate.of(2026, 10, 15), "seed-password-for-tests"),
        "test");
    admin = server.adminToken();
  }

  /** [instructor username, offering] of the first instructor grant in {@code term} held by a non-admin. */
  static List<String> instructorIn(String term) {
    return server.app().database().readPrimary(c -> Jdbc.one(c, """
        SELECT u.username, 'offering:' || co.code || '/' || t.code
        FROM grants g JOIN roles r ON r.id = g.role_id AND r.name = 'instructor'
        JOIN users u ON u.id = g.user_id
        JOIN offerings o ON o.id = g.scope_id JOIN courses co ON co.id = o.course_id JOIN terms t ON t.id = o.term_id
        WHERE g.scope_type = 3 AND t.code = ?
          AND NOT EXISTS (SELECT 1 FROM grants a JOIN roles ar ON ar.id = a.role_id
                          WHERE a.user_id = u.id AND ar.name = 'department_admin')
          AND NOT EXISTS (SELECT 1 FROM grants b JOIN offerings bo ON bo.id = b.scope_id JOIN terms bt
                          ON bt.id = bo.term_id WHERE b.user_id = u.id AND b.scope_type = 3 AND bt.code <> ?)
        ORDER BY g.id LIMIT 1""", rs -> List.of(rs.getString(1), rs.getString(2)), term, term).orElseThrow());
  }

  static boolean check(String subject, String permission, String resource) {
    Response r = server.http.get("/v1/check?subject=" + subject + "&permission=" + permission + "&resource="
        + resource, admin);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json().getBoolean("allowed");
  }

  @Test
  void check_instructorOfACurrentTermOffering_mayWriteItsGrades() {
    List<String> fall = instructorIn("2026-fall");
    assertThat(check(fall.get(0), "grades.write", fall.get(1))).isTrue();
  }

  @Test
  void check_instructorOfAnEndedTermOffering_mayNoLonger() {
    List<String> summer = instructorIn("2026-summer");
    assertThat(check(summer.get(0), "grades.write", summer.get(1))).isFalse();
    assertThat(check(summer.get(0), "library.borrow", "global")).isTrue();
  }

  @Test
  void seededStudent_logsInWithTheSharedPassword_andHoldsTheStudentRole() {
    String token = server.http.login("student000001", "seed-password-for-tests");
    Response me = server.http.get("/v1/me", token);
    assertThat(me.status()).isEqualTo(200);
    assertThat(me.json().getJsonObject("user").getString("email")).isEqualTo("student000001@seed.provost.invalid");
    assertThat(me.json().getJsonArray("grants").encode()).contains("\"role\":\"student\"", "\"scope\":\"global\"");
  }
}
