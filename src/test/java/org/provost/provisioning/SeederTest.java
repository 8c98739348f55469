package org.provost.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.provost.authz.Scopes;
import org.provost.db.Jdbc;
import org.provost.error.ServiceException;
import org.provost.security.PasswordHasher;
import org.provost.testing.MigratedDatabase;

class SeederTest {
  static final LocalDate TODAY = LocalDate.of(2026, 10, 15);
  static final String PASSWORD = "seed-password-for-tests";
  static MigratedDatabase first;
  static MigratedDatabase second;
  static SeedResult firstResult;

  static SeedOptions small(long seed) {
    return new SeedOptions(200, 30, 10, 6, 30, 2, true, seed, TODAY, PASSWORD);
  }

  static SeedResult seed(MigratedDatabase d, SeedOptions o) {
    return new Seeder(d.db, d.config.argon2(), Progress.NONE).seed(o, "test");
  }

  @BeforeAll
  static void seedTwoDatabases() {
    first = MigratedDatabase.create();
    second = MigratedDatabase.create();
    firstResult = seed(first, small(7));
  }

  @AfterAll
  static void drop() {
    if (first != null) first.close();
    if (second != null) second.close();
  }

  /** Everything seeded, as sorted text lines, ids left out (they are the database's own). */
  static List<String> dump(MigratedDatabase d) {
    return d.db.readPrimary(c -> {
      List<String> lines = new java.util.ArrayList<>();
      lines.addAll(Jdbc.list(c, """
          SELECT 'dept ' || d.code || ' ' || d.name || ' ' || coalesce(p.code, '-') FROM departments d
          LEFT JOIN departments p ON p.id = d.parent_id ORDER BY 1""", rs -> rs.getString(1)));
      lines.addAll(Jdbc.list(c, """
          SELECT 'course ' || c.code || ' ' || c.title || ' ' || d.code FROM courses c
          JOIN departments d ON d.id = c.department_id ORDER BY 1""", rs -> rs.getString(1)));
      lines.addAll(Jdbc.list(c, "SELECT 'term ' || code || ' ' || starts_on || ' ' || ends_on FROM terms ORDER BY 1",
          rs -> rs.getString(1)));
      lines.addAll(Jdbc.list(c, """
          SELECT 'user ' || u.username || ' ' || u.email || ' ' || u.display_name || ' ' || u.type || ' '
                 || coalesce(d.code, '-') || ' ' || u.is_verified
          FROM users u LEFT JOIN departments d ON d.id = u.department_id ORDER BY 1""", rs -> rs.getString(1)));
      lines.addAll(Jdbc.list(c, """
          SELECT 'grant ' || u.username || ' ' || r.name || ' ' || %s || ' ' || coalesce(g.valid_from::text, '-')
                 || ' ' || coalesce(g.valid_until::text, '-')
          FROM grants g JOIN users u ON u.id = g.user_id JOIN roles r ON r.id = g.role_id ORDER BY 1"""
          .formatted(Scopes.GRANT_SCOPE_NAME_SQL), rs -> rs.getString(1)));
      return lines;
    });
  }

  @Test
  void seed_sameSeed_buildsTheSameUniversityRowForRow() {
    seed(second, small(7));
    List<String> a = dump(first);
    assertThat(a).hasSizeGreaterThan(240 + 30 + 2);
    assertThat(dump(second)).isEqualTo(a);
  }

  @Test
  void seed_differentSeed_drawsDifferentPeople_withTheSameUsernames() {
    try (MigratedDatabase other = MigratedDatabase.create()) {
      seed(other, small(8));
      List<String> a = dump(first).stream().filter(l -> l.startsWith("user ")).toList();
      List<String> b = dump(other).stream().filter(l -> l.startsWith("user ")).toList();
      assertThat(b).hasSameSizeAs(a).isNotEqualTo(a);
      assertThat(b.stream().map(l -> l.split(" ")[1]).toList())
          .isEqualTo(a.stream().map(l -> l.split(" ")[1]).toList());
    }
  }

  @Test
  void seed_rerun_addsNothing_andEveryCountStays() {
    String counts = """
        SELECT (SELECT count(*) FROM users) * 1000000000 + (SELECT count(*) FROM grants) * 1000000
               + (SELECT count(*) FROM departments) * 10000 + (SELECT count(*) FROM courses) * 100
               + (SELECT count(*) FROM offerings)""";
    long before = first.count(counts);
    SeedResult again = seed(first, small(7));
    assertThat(first.count(counts)).isEqualTo(before);
    assertThat(again.users()).isZero();
    assertThat(again.grants()).isZero();
    assertThat(again.departments() + again.courses() + again.terms() + again.offerings()).isZero();
  }

  @Test
  void seed_addsWhatItReports_underTheUsernameConvention() {
    assertThat(firstResult.users()).isEqualTo(240);
    assertThat(firstResult.departments()).isEqualTo(6 + 6); // six departments under six schools
    assertThat(firstResult.courses()).isEqualTo(30);
    assertThat(firstResult.terms()).isEqualTo(2);
    assertThat(firstResult.offerings()).isEqualTo(60);
    assertThat(first.count("SELECT count(*) FROM users WHERE username ~ '^student[0-9]{6}$'")).isEqualTo(200);
    assertThat(first.count("SELECT count(*) FROM users WHERE username ~ '^faculty[0-9]{6}$'")).isEqualTo(30);
    assertThat(first.count("SELECT count(*) FROM users WHERE username ~ '^staff[0-9]{6}$'")).isEqualTo(10);
    assertThat(first.count("SELECT count(*) FROM users WHERE username IN ('student000001', 'student000200')"))
        .isEqualTo(2);
    assertThat(first.count("SELECT count(*) FROM users WHERE email <> username || '@seed.provost.invalid'"))
        .isZero();
    assertThat(first.count("SELECT count(*) FROM users WHERE type = 'student' AND username NOT LIKE 'student%'"))
        .isZero();
  }

  @Test
  void seed_everyAccountSharesOneHashOfThePassword() {
    String hash = first.db.readPrimary(c -> Jdbc.one(c, "SELECT min(password_hash) FROM users",
        rs -> rs.getString(1)).orElseThrow());
    assertThat(first.count("SELECT count(DISTINCT password_hash) FROM users")).isEqualTo(1);
    assertThat(first.count("SELECT count(*) FROM users WHERE password_hash IS NULL")).isZero();
    assertThat(new PasswordHasher(first.config.argon2()).verify(PASSWORD, hash)).isTrue();
  }

  @Test
  void seed_grantsOneInstructorPerOffering_forTheTermDates() {
    assertThat(first.count("""
        SELECT count(*) FROM grants g JOIN roles r ON r.id = g.role_id AND r.name = 'instructor'
        JOIN users u ON u.id = g.user_id AND u.type = 'faculty' WHERE g.scope_type = 3""")).isEqualTo(60);
    assertThat(first.count("SELECT count(DISTINCT scope_id) FROM grants g JOIN roles r ON r.id = g.role_id"
        + " WHERE r.name = 'instructor'")).isEqualTo(60);
    // every offering grant is valid exactly from the term's first day to the day after its last
    assertThat(first.count("""
        SELECT count(*) FROM grants g JOIN offerings o ON o.id = g.scope_id JOIN terms t ON t.id = o.term_id
        WHERE g.scope_type = 3 AND (g.valid_from IS DISTINCT FROM (t.starts_on::timestamp AT TIME ZONE 'UTC')
           OR g.valid_until IS DISTINCT FROM ((t.ends_on + 1)::timestamp AT TIME ZONE 'UTC'))""")).isZero();
    assertThat(first.count("""
        SELECT count(*) FROM grants g JOIN roles r ON r.id = g.role_id AND r.name = 'teaching_assistant'
        JOIN users u ON u.id = g.user_id AND u.type = 'student' WHERE g.scope_type = 3""")).isPositive();
    assertThat(first.count("""
        SELECT count(*) FROM grants g JOIN roles r ON r.id = g.role_id AND r.name = 'department_admin'
        WHERE g.scope_type = 1""")).isPositive();
    assertThat(first.count("""
        SELECT count(*) FROM users u WHERE NOT EXISTS (SELECT 1 FROM grants g JOIN roles r ON r.id = g.role_id
          WHERE g.user_id = u.id AND g.scope_type = 0 AND r.name = u.type)""")).isZero();
    assertThat(first.count("SELECT count(*) FROM terms WHERE code IN ('2026-summer', '2026-fall')")).isEqualTo(2);
  }

  @Test
  void seed_recordsOneBulkChangelogRow_andOneAuditEvent() {
    try (MigratedDatabase fresh = MigratedDatabase.create()) {
      SeedResult r = seed(fresh, small(3));
      assertThat(fresh.count("SELECT count(*) FROM changelog")).isEqualTo(1);
      assertThat(fresh.count("SELECT count(*) FROM changelog WHERE entity = 'bulk' AND entity_id = 'seed'"
          + " AND op = 'reload' AND revision = ?", r.revision())).isEqualTo(1);
      assertThat(fresh.count("SELECT count(*) FROM audit_events")).isEqualTo(1);
      assertThat(fresh.count("SELECT count(*) FROM audit_events WHERE action = 'seed.run' AND actor = 'test'"
          + " AND (after -> 'added' ->> 'users')::int = 240")).isEqualTo(1);
      assertThat(fresh.count("SELECT count(*) FROM grants WHERE revision <> ?", r.revision())).isZero();
    }
  }

  @Test
  void seed_withoutRoleAssign_grantsNothing_andALaterRoleAssignGrantsTheExistingUsers() {
    try (MigratedDatabase fresh = MigratedDatabase.create()) {
      SeedResult r = seed(fresh, small(3).withRoleAssign(false));
      assertThat(r.users()).isEqualTo(240);
      assertThat(fresh.count("SELECT count(*) FROM grants")).isZero();

      SeedResult later = seed(fresh, small(3));
      assertThat(later.users()).isZero();
      assertThat(fresh.count("SELECT count(*) FROM grants WHERE scope_type = 0")).isEqualTo(240);
      assertThat(fresh.count("SELECT count(*) FROM grants WHERE scope_type = 3")).isPositive();
    }
  }

  /**
   * relallvisible counts the pages the visibility map marks all-visible; only VACUUM sets them, so a table
   * that was only inserted into has 0, and every index-only scan on it visits the heap.
   */
  static final String NOT_ALL_VISIBLE = """
      SELECT count(*) FROM pg_class WHERE oid IN ('users'::regclass, 'grants'::regclass)
      AND (relpages = 0 OR relallvisible < relpages)""";

  @Test
  void seed_vacuumsWhatItLoaded_soIndexOnlyScansReadTheIndexAlone() {
    assertThat(first.count("SELECT count(*) FROM users")).isGreaterThanOrEqualTo(240);
    assertThat(first.count(NOT_ALL_VISIBLE)).isZero();
  }

  @Test
  void options_outOfRange_nameTheFlag() {
    assertThatThrownBy(() -> new SeedOptions(1_000_000, 0, 0, 0, 0, 1, false, 1, TODAY, "short"))
        .isInstanceOfSatisfying(ServiceException.InvalidInput.class, e -> assertThat(e.errors())
            .extracting(ServiceException.FieldError::field)
            .containsExactly("--students", "--departments", "--password"));
  }
}
