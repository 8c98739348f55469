package org.provost.grants;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.provost.testing.AccessFixture;
import org.provost.testing.Http;
import org.provost.testing.Http.Response;
import org.provost.testing.ProvostServer;

/**
 * "Nobody can grant a role that carries a permission they do not hold themselves in that scope": scoped
 * grantors (a department administrator, an instructor) inside and outside their scope.
 */
class DelegationApiTest {
  static final String CS101 = "offering:CS101/2026-fall";
  static final String CS202 = "offering:CS202/2026-fall";
  static final String MATH201 = "offering:MATH201/2026-fall";
  @RegisterExtension
  static final ProvostServer server = ProvostServer.builder().directory().build();
  static final AccessFixture fx = server.fixture();
  static final Http http = server.http;
  static String deptAdmin;
  static String instructor;
  static long newcomer;

  @BeforeAll
  static void seed() {
    String admin = fx.adminToken();
    fx.grant(admin, fx.user("cs_head", "CS"), "department_admin", "department:CS");
    fx.grant(admin, fx.user("lecturer", "CS"), "instructor", CS101);
    newcomer = fx.user("newcomer", "CS");
    deptAdmin = fx.login("cs_head");
    instructor = fx.login("lecturer");
  }

  private static void assertRefused(Response r, String code, String missing) {
    assertThat(r.status()).as(r.toString()).isEqualTo(403);
    assertThat(r.json().getString("code")).isEqualTo(code);
    if (missing != null) assertThat(r.json().getString("detail")).contains(missing);
  }

  @Test
  void departmentAdmin_grantsInstructorOnAnOfferingOfTheirDepartment() {
    JsonObject g = fx.grant(deptAdmin, newcomer, "instructor", CS101);
    assertThat(g.getLong("granted_by")).isEqualTo(fx.count("SELECT id FROM users WHERE username = 'cs_head'"));
    assertThat(fx.check("newcomer", "grades.write", CS101)).isTrue();
    assertThat(http.delete("/v1/grants/" + g.getLong("id"), deptAdmin).status()).isEqualTo(200);
    assertThat(fx.check("newcomer", "grades.write", CS101)).isFalse();
  }

  @Test
  void departmentAdmin_isRefusedOutsideTheirDepartment_andForRolesBeyondTheirs() {
    Map<String, String> before = fx.snapshot();
    assertRefused(fx.tryGrant(deptAdmin, newcomer, "instructor", MATH201), "forbidden", "grants.write");
    assertRefused(fx.tryGrant(deptAdmin, newcomer, "instructor", "global"), "forbidden", "grants.write");
    // admin carries access.review first by name, which a department administrator does not hold
    assertRefused(fx.tryGrant(deptAdmin, newcomer, "admin", "department:CS"), "cannot_delegate", "access.review");
    assertRefused(fx.tryGrant(deptAdmin, newcomer, "registrar", CS101), "cannot_delegate", "enrollment.manage");
    assertThat(fx.snapshot()).isEqualTo(before);
  }

  @Test
  void instructor_grantsTeachingAssistantInTheirOffering_butNotElsewhere() {
    JsonObject g = fx.grant(instructor, newcomer, "teaching_assistant", CS101);
    assertThat(fx.check("newcomer", "roster.read", CS101)).isTrue();
    Map<String, String> before = fx.snapshot();
    assertRefused(fx.tryGrant(instructor, newcomer, "teaching_assistant", CS202), "forbidden", null);
    assertRefused(fx.tryGrant(instructor, newcomer, "teaching_assistant", "department:CS"), "forbidden", null);
    assertRefused(fx.tryGrant(instructor, newcomer, "department_admin", CS101), "cannot_delegate", "audit.read");
    assertThat(fx.snapshot()).isEqualTo(before);
    assertThat(http.delete("/v1/grants/" + g.getLong("id"), instructor).status()).isEqualTo(200);
  }

  @Test
  void permissionCarriedThroughAnInclude_isCheckedToo() {
    Response created = http.post("/v1/roles", fx.adminToken(), new JsonObject().put("name", "head_ta")
        .put("permissions", new JsonArray().add("roster.read")).put("includes", new JsonArray().add("student")));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    // the instructor holds roster.read but not library.borrow, which head_ta carries through student
    assertRefused(fx.tryGrant(instructor, newcomer, "head_ta", CS101), "cannot_delegate", "library.borrow");
  }

  @Test
  void revoke_byAScopedGrantor_onlyInsideTheirScope() {
    JsonObject math = fx.grant(fx.adminToken(), newcomer, "teaching_assistant", MATH201);
    Map<String, String> before = fx.snapshot();
    assertRefused(http.delete("/v1/grants/" + math.getLong("id"), deptAdmin), "forbidden", null);
    assertRefused(http.delete("/v1/grants/" + math.getLong("id"), instructor), "forbidden", null);
    assertThat(fx.snapshot()).isEqualTo(before);
    assertThat(http.delete("/v1/grants/" + math.getLong("id"), fx.adminToken()).status()).isEqualTo(200);
  }
}
