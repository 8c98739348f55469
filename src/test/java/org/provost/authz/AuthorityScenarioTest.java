package org.provost.authz;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.provost.testing.AccessFixture;
import org.provost.testing.Http;
import org.provost.testing.Http.Response;
import org.provost.testing.ProvostServer;
import org.provost.testing.TestServer;

/**
 * The attacks of issue 7, each as it was reported, each refused with a 403 (or 409) naming the reason and
 * writing nothing: no row of any access, account, session, audit or changelog table changes.
 */
class AuthorityScenarioTest {
  @RegisterExtension
  static final ProvostServer server = ProvostServer.builder().directory().build();
  static final AccessFixture fx = server.fixture();
  static final Http http = server.http;

  /** Runs {@code attack}, expects {@code status} with {@code code}, and that nothing at all was written. */
  private static Response refused(int status, String code, Supplier<Response> attack) {
    Map<String, String> before = fx.snapshotAll();
    Response r = attack.get();
    assertThat(r.status()).as(r.toString()).isEqualTo(status);
    assertThat(r.json().getString("code")).as(r.toString()).isEqualTo(code);
    assertThat(fx.snapshotAll()).as("a refused request writes nothing").isEqualTo(before);
    return r;
  }

  private static long departmentAdmin(String name, String department) {
    long id = fx.user(name, department);
    fx.grant(server.admin(), id, "department_admin", "department:" + department);
    return id;
  }

  private static JsonObject password(String value) {
    return new JsonObject().put("password", value);
  }

  @Test
  void departmentAdmin_cannotSetThePasswordOfAGlobalAdminWhoseHomeIsTheirDepartment() {
    departmentAdmin("da_takeover", "CS");
    long boss = fx.user("boss_in_cs", "CS");
    fx.grant(server.admin(), boss, "admin", "global");
    String da = fx.login("da_takeover");
    Response r = refused(403, "outranked",
        () -> http.patch("/v1/users/" + boss, da, password("taken-over-password-1")));
    assertThat(r.json().getString("detail")).contains("which you do not hold there");
    // the rest of the account is just as closed: email, username, active flag, department
    refused(403, "outranked", () -> http.patch("/v1/users/" + boss, da, new JsonObject().put("email", "x@evil.test")));
    refused(403, "outranked", () -> http.patch("/v1/users/" + boss, da, new JsonObject().put("active", false)));
    refused(403, "outranked", () -> http.delete("/v1/users/" + boss, da));
    // re-homing needs authority in the destination too, before anything else
    refused(403, "forbidden", () -> http.patch("/v1/users/" + boss, da, new JsonObject().put("department", "MATH")));
    refused(403, "outranked", () -> http.patch("/v1/users/" + boss, da, new JsonObject().put("department", "CS")));
    assertThat(http.login("boss_in_cs", AccessFixture.PASSWORD)).isNotBlank();
  }

  @Test
  void sessions_areListedAndEnded_onlyByTheirOwnerOrSomeoneWhoOutranksThem() {
    departmentAdmin("da_sessions", "CS");
    long boss = fx.user("boss_sessions", "CS");
    fx.grant(server.admin(), boss, "admin", "global");
    String bossToken = fx.login("boss_sessions");
    String da = fx.login("da_sessions");
    refused(403, "outranked", () -> http.delete("/v1/users/" + boss + "/sessions", da));
    JsonArray mine = http.get("/v1/users/" + boss + "/sessions", bossToken).items();
    assertThat(mine).hasSize(1);
    assertThat(mine.getJsonObject(0).getBoolean("current")).isTrue();
    long only = mine.getJsonObject(0).getLong("id");
    refused(403, "outranked", () -> http.delete("/v1/users/" + boss + "/sessions/" + only, da));
    // one session ended by someone who outranks its owner: that one stops, the owner's others go on
    String second = fx.login("boss_sessions");
    assertThat(http.delete("/v1/users/" + boss + "/sessions/" + only, server.admin()).status()).isEqualTo(200);
    assertThat(http.get("/v1/me", bossToken).status()).isEqualTo(401);
    assertThat(http.get("/v1/me", second).status()).isEqualTo(200);
    assertThat(http.delete("/v1/users/" + boss + "/sessions/" + only, server.admin()).status()).isEqualTo(404);
    assertThat(http.delete("/v1/users/" + fx.id("da_sessions") + "/sessions/" + only, server.admin()).status()).isEqualTo(404);
    assertThat(http.delete("/v1/users/" + boss + "/sessions", server.admin()).status()).isEqualTo(200);
    assertThat(http.get("/v1/me", second).status()).isEqualTo(401);
  }

  @Test
  void globalRegistrar_andAUsersWriteKey_cannotResetAnAdminsPassword() {
    long registrar = fx.user("registrar_1", null);
    fx.grant(server.admin(), registrar, "registrar", "global");
    long other = fx.user("second_admin", null);
    fx.grant(server.admin(), other, "admin", "global");
    String reg = fx.login("registrar_1");
    refused(403, "outranked", () -> http.patch("/v1/users/" + other, reg, password("taken-over-password-2")));
    String key = fx.client(server.admin(), "users-writer", "users.write").getString("key");
    refused(403, "outranked", () -> http.patch("/v1/users/" + other, key, password("taken-over-password-3")));
    // the registrar still administers people who hold no more than they do
    long student = fx.user("plain_student", null);
    assertThat(http.patch("/v1/users/" + student, reg, password("a-new-password-for-you")).status()).isEqualTo(200);
  }

  @Test
  void changingOnesOwnPassword_needsTheCurrentOne_andEndsEveryOtherSession() {
    fx.user("pw_owner", null);
    String first = fx.login("pw_owner");
    String second = fx.login("pw_owner");
    long self = fx.id("pw_owner");
    Response viaPatch = http.patch("/v1/users/" + self, first, password("without-the-old-one"));
    assertThat(viaPatch.status()).isEqualTo(400);
    assertThat(AccessFixture.fields(viaPatch)).containsExactly("password");
    Response wrong = http.post("/v1/me/password", first, new JsonObject().put("current_password", "not-it-at-all")
        .put("new_password", "brand-new-password-1"));
    assertThat(wrong.status()).isEqualTo(401);
    Response ok = http.post("/v1/me/password", first, new JsonObject()
        .put("current_password", AccessFixture.PASSWORD).put("new_password", "brand-new-password-1"));
    assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
    // on the instance that answered, before the answer: the other session is gone, this one is not
    assertThat(http.get("/v1/me", second).status()).isEqualTo(401);
    assertThat(http.get("/v1/me", first).status()).isEqualTo(200);
    assertThat(http.login("pw_owner", "brand-new-password-1")).isNotBlank();
  }

  @Test
  void anAdministratorsReset_endsEverySessionOfTheUser() {
    long id = fx.user("reset_me", null);
    String session = fx.login("reset_me");
    Response r = http.patch("/v1/users/" + id, server.admin(), password("reset-by-the-admin-1"));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(http.get("/v1/me", session).status()).isEqualTo(401);
    assertThat(fx.count("SELECT count(*) FROM audit_events WHERE action = 'user.password_reset' AND target_id = ?",
        Long.toString(id))).isEqualTo(1);
  }

  @Test
  void theBuiltinAdminRole_cannotBeEdited_byARolesWriteKey_orByTheAdmin() {
    String key = fx.client(server.admin(), "roles-writer", "roles.write").getString("key");
    JsonObject one = new JsonObject().put("permissions", new JsonArray().add("library.borrow"));
    refused(403, "builtin_role", () -> http.patch("/v1/roles/admin", key, one));
    refused(403, "builtin_role", () -> http.patch("/v1/roles/admin", server.admin(), one));
    refused(403, "builtin_role", () -> http.delete("/v1/roles/admin", server.admin()));
    // nor can the key strip another built-in role of what it does not hold itself
    refused(403, "cannot_delegate", () -> http.patch("/v1/roles/registrar", key, one));
  }

  @Test
  void aNewPermission_isHeldByTheAdminRole_andTheAdminCanPutItIntoARole() {
    assertThat(http.post("/v1/permissions", server.admin(), new JsonObject().put("name", "parking.permit")).status())
        .isEqualTo(201);
    JsonArray adminRole = http.get("/v1/roles/admin", server.admin()).json().getJsonArray("effective_permissions");
    assertThat(adminRole.getList()).contains("parking.permit");
    Response r = http.post("/v1/roles", server.admin(), new JsonObject().put("name", "parking_officer")
        .put("permissions", new JsonArray().add("parking.permit")));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    assertThat(fx.check("admin", "parking.permit", "global")).isTrue();
  }

  @Test
  void departmentAdmin_cannotRevokeARegistrarGrantInTheirDepartment_norAGrantsKeyAnAdminsGrant() {
    departmentAdmin("da_revoker", "MATH");
    long clerk = fx.user("math_clerk", "MATH");
    long grant = fx.grant(server.admin(), clerk, "registrar", "department:MATH").getLong("id");
    String da = fx.login("da_revoker");
    refused(403, "cannot_delegate", () -> http.delete("/v1/grants/" + grant, da));
    long other = fx.user("third_admin", null);
    long adminGrant = fx.grant(server.admin(), other, "admin", "global").getLong("id");
    String key = fx.client(server.admin(), "grants-writer", "grants.write").getString("key");
    refused(403, "cannot_delegate", () -> http.delete("/v1/grants/" + adminGrant, key));
  }

  @Test
  void nobodyGrantsThemselves_aSecondGrantThatWouldOutliveTheFirst() {
    long me = departmentAdmin("da_self", "CS");
    String da = fx.login("da_self");
    refused(403, "self_grant", () -> fx.tryGrant(da, me, "department_admin", "department:CS"));
    refused(403, "self_grant", () -> fx.tryGrant(da, me, "instructor", "offering:CS101/2026-fall"));
    // a key acts for its owner: it cannot grant to its owner either
    String key = fx.client(server.admin(), "granting-key", "grants.write", "users.write").getString("key");
    long adminId = fx.id("admin");
    refused(403, "self_grant", () -> fx.tryGrant(key, adminId, "student", "global"));
  }

  @Test
  void aUsernameOfDigits_isRefused_soASubjectNumberAlwaysMeansAnId() {
    departmentAdmin("da_digits", "CS");
    String da = fx.login("da_digits");
    Response r = refused(400, "invalid_input", () -> http.post("/v1/users", da, new JsonObject().put("username", "1")
        .put("email", "one@uni.test").put("type", "student").put("department", "CS").put("password", "a-long-password-1")));
    assertThat(AccessFixture.fields(r)).containsExactly("username");
    long other = fx.user("renamed_later", "CS");
    refused(400, "invalid_input", () -> http.patch("/v1/users/" + other, da, new JsonObject().put("username", "2")));
    assertThat(http.get("/v1/check?subject=1&permission=users.write", server.admin()).json().getBoolean("allowed"))
        .as("user id 1 is the bootstrap admin").isTrue();
  }

  @Test
  void anApiKey_losesWhatItsOwnerLoses_andStopsWhenTheOwnerIsDeactivated() {
    long maker = fx.user("key_maker", null);
    long grant = fx.grant(server.admin(), maker, "admin", "global").getLong("id");
    String key = fx.client(fx.login("key_maker"), "makers-key", "users.read", "authz.check").getString("key");
    assertThat(http.get("/v1/users?limit=1", key).status()).isEqualTo(200);
    assertThat(http.delete("/v1/grants/" + grant, server.admin()).status()).isEqualTo(200);
    assertThat(http.get("/v1/users?limit=1", key).status()).isEqualTo(403);
    assertThat(http.get("/v1/check?subject=admin&permission=users.read", key).status()).isEqualTo(403);
    assertThat(http.delete("/v1/users/" + maker, server.admin()).status()).isEqualTo(200);
    Response gone = http.get("/v1/users?limit=1", key);
    assertThat(gone.status()).isEqualTo(401);
    assertThat(gone.json().getString("code")).isEqualTo("owner_inactive");
  }

  @Test
  void clients_areListedWithTheirOwner_canBeRotated_andReowned() {
    JsonObject made = fx.client(server.admin(), "rotating-app", "authz.check");
    long id = made.getLong("id");
    String old = made.getString("key");
    JsonObject listed = http.get("/v1/clients", server.admin()).items().stream().map(JsonObject.class::cast)
        .filter(o -> o.getLong("id") == id).findFirst().orElseThrow();
    assertThat(listed.getString("owner")).isEqualTo("admin");
    Response rotated = http.post("/v1/clients/" + id + "/rotate", server.admin(), new JsonObject());
    assertThat(rotated.status()).as(rotated.toString()).isEqualTo(200);
    String fresh = rotated.json().getString("key");
    assertThat(http.get("/v1/check?subject=admin&permission=users.read", old).status()).isEqualTo(401);
    assertThat(http.get("/v1/check?subject=admin&permission=users.read", fresh).status()).isEqualTo(200);
    long heir = fx.user("key_heir", null);
    fx.grant(server.admin(), heir, "admin", "global");
    String heirToken = fx.login("key_heir");
    Response reowned = http.patch("/v1/clients/" + id, heirToken, new JsonObject().put("owner", "key_heir"));
    assertThat(reowned.status()).as(reowned.toString()).isEqualTo(200);
    assertThat(reowned.json().getLong("owner_id")).isEqualTo(heir);
    assertThat(http.get("/v1/check?subject=admin&permission=users.read", fresh).status())
        .as("taking a key over rotates it").isEqualTo(401);
  }

  @Test
  void theLastActiveGlobalAdmin_cannotBeDeactivatedOrDemoted() {
    try (TestServer alone = TestServer.start()) {
      String token = alone.adminToken();
      long adminId = alone.http.get("/v1/me", token).json().getJsonObject("user").getLong("id");
      long grant = alone.http.get("/v1/users/" + adminId + "/grants", token).items().getJsonObject(0).getLong("id");
      Response deactivate = alone.http.delete("/v1/users/" + adminId, token);
      assertThat(deactivate.status()).as(deactivate.toString()).isEqualTo(409);
      assertThat(deactivate.json().getString("code")).isEqualTo("last_admin");
      Response demote = alone.http.delete("/v1/grants/" + grant, token);
      assertThat(demote.status()).as(demote.toString()).isEqualTo(409);
      assertThat(alone.http.get("/v1/me", token).status()).isEqualTo(200);
    }
  }

  @Test
  void aDeletedUsersToken_stopsOnTheAnsweringInstance_beforeTheAnswer() {
    for (int i = 0; i < 20; i++) {
      long id = fx.user("gone_" + i, null);
      String token = fx.login("gone_" + i);
      assertThat(http.get("/v1/me", token).status()).isEqualTo(200);
      assertThat(http.delete("/v1/users/" + id, server.admin()).status()).isEqualTo(200);
      assertThat(http.get("/v1/me", token).status()).as("round %d", i).isEqualTo(401);
    }
  }

  @Test
  void aMove_givesNobodyWhatTheMoverDoesNotHold() {
    // an instructor granted on department MATH would gain grades.write in CS's courses if CS moved under MATH
    fx.grant(server.admin(), fx.user("math_teacher", "MATH"), "instructor", "department:MATH");
    long registrar = fx.user("registrar_mover", null);
    fx.grant(server.admin(), registrar, "registrar", "global");
    String reg = fx.login("registrar_mover");
    refused(403, "cannot_delegate",
        () -> http.patch("/v1/departments/CS", reg, new JsonObject().put("parent", "MATH")));
    refused(403, "cannot_delegate",
        () -> http.patch("/v1/courses/CS202", reg, new JsonObject().put("department", "MATH")));
  }

  @Test
  void aRegistrarsImport_cannotChangeOrDeactivateAnAdmin() {
    long registrar = fx.user("registrar_importer", null);
    fx.grant(server.admin(), registrar, "registrar", "global");
    long boss = fx.user("imported_boss", null);
    fx.grant(server.admin(), boss, "admin", "global");
    fx.sql("UPDATE users SET external_id = 'SIS-BOSS' WHERE id = ?", boss);
    String reg = fx.login("registrar_importer");
    String csv = "external_id,email\nSIS-BOSS,boss-new@evil.test\n";
    Map<String, String> before = fx.snapshotAll();
    Response r = http.send("POST", "/v1/imports", reg, csv, "text/csv");
    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.body()).contains("external_id").contains("whom you may not change");
    assertThat(fx.snapshotAll()).isEqualTo(before);
    Response snapshot = http.send("POST", "/v1/imports?snapshot=true", reg,
        "external_id,username,email,type\nSIS-NEW,newbie,newbie@uni.test,student\n", "text/csv");
    assertThat(snapshot.status()).as(snapshot.toString()).isEqualTo(403);
    assertThat(snapshot.json().getString("code")).isEqualTo("outranked");
    assertThat(fx.snapshotAll()).isEqualTo(before);
  }
}
