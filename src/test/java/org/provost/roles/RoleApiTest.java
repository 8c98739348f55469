package org.provost.roles;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.provost.testing.AccessFixture;
import org.provost.testing.Http;
import org.provost.testing.Http.Response;
import org.provost.testing.ProvostServer;

/** Permissions and roles over the real API: definitions, closures, cycles, built-ins, roles in use. */
class RoleApiTest {
  @RegisterExtension
  static final ProvostServer server = ProvostServer.builder().directory().build();
  static final AccessFixture fx = server.fixture();
  static final Http http = server.http;

  private static JsonObject role(String name, JsonArray permissions, JsonArray includes) {
    return new JsonObject().put("name", name).put("description", "a " + name).put("permissions", permissions)
        .put("includes", includes);
  }

  @Test
  void permissions_areListedToAnySignedInPerson() {
    fx.user("plain_reader", null);
    Response r = http.get("/v1/permissions", fx.login("plain_reader"));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.items().stream().map(p -> ((JsonObject) p).getString("name")))
        .contains("grades.write", "roles.write").isSorted();
    assertThat(http.get("/v1/permissions", null).status()).isEqualTo(401);
  }

  @Test
  void permission_create_isListedAudited_andAnswersItsRevision() {
    long before = fx.count("SELECT coalesce(max(revision), 0) FROM changelog");
    Response r = http.post("/v1/permissions", server.admin(),
        new JsonObject().put("name", "lab.equipment.book").put("description", "book lab equipment"));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    assertThat(r.json().getString("name")).isEqualTo("lab.equipment.book");
    assertThat(r.json().getBoolean("builtin")).isFalse();
    assertThat(r.json().getLong("revision")).isGreaterThan(before);
    assertThat(fx.count("SELECT count(*) FROM changelog WHERE entity = 'permission' AND revision = ?",
        r.json().getLong("revision"))).isEqualTo(1);
    assertThat(fx.count("""
        SELECT count(*) FROM audit_events WHERE action = 'permission.create' AND target_id = 'lab.equipment.book'
          AND after ->> 'description' = 'book lab equipment'""")).isEqualTo(1);
    assertThat(http.get("/v1/permissions", server.admin()).body()).contains("lab.equipment.book");
  }

  @Test
  void role_create_get_patch_delete_roundTrip() {
    Response created = http.post("/v1/roles", server.admin(),
        role("lab_manager", new JsonArray().add("facilities.book"), new JsonArray().add("student")));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    assertThat(created.json().getJsonArray("permissions")).containsExactly("facilities.book");
    assertThat(created.json().getJsonArray("includes")).containsExactly("student");
    assertThat(created.json().getJsonArray("effective_permissions"))
        .containsExactly("course.materials.read", "facilities.book", "library.borrow");
    assertThat(created.json().getBoolean("builtin")).isFalse();
    assertThat(created.json().getLong("revision")).isPositive();

    Response got = http.get("/v1/roles/lab_manager", fx.login(userNamed("role_reader")));
    assertThat(got.status()).isEqualTo(200);
    assertThat(got.json().getString("description")).isEqualTo("a lab_manager");

    Response described = http.patch("/v1/roles/lab_manager", server.admin(), new JsonObject().put("description", "runs labs"));
    assertThat(described.status()).as(described.toString()).isEqualTo(200);
    assertThat(described.json().getJsonArray("permissions")).containsExactly("facilities.book");
    assertThat(described.json().getJsonArray("includes")).containsExactly("student");

    Response replaced = http.patch("/v1/roles/lab_manager", server.admin(),
        new JsonObject().put("name", "lab_lead").put("permissions", new JsonArray().add("roster.read")));
    assertThat(replaced.status()).as(replaced.toString()).isEqualTo(200);
    assertThat(replaced.json().getString("name")).isEqualTo("lab_lead");
    assertThat(replaced.json().getJsonArray("permissions")).containsExactly("roster.read");
    assertThat(replaced.json().getJsonArray("includes")).containsExactly("student");
    assertThat(replaced.json().getLong("revision")).isGreaterThan(described.json().getLong("revision"));
    assertThat(http.get("/v1/roles/lab_manager", server.admin()).status()).isEqualTo(404);
    assertThat(fx.count("""
        SELECT count(*) FROM audit_events WHERE action = 'role.update' AND target_id = 'lab_manager'
          AND before -> 'permissions' = '["facilities.book"]' AND after -> 'permissions' = '["roster.read"]'"""))
        .isEqualTo(1);

    Response deleted = http.delete("/v1/roles/lab_lead", server.admin());
    assertThat(deleted.status()).as(deleted.toString()).isEqualTo(200);
    assertThat(deleted.json().getLong("revision")).isGreaterThan(replaced.json().getLong("revision"));
    assertThat(http.get("/v1/roles/lab_lead", server.admin()).status()).isEqualTo(404);
    assertThat(fx.count("SELECT count(*) FROM changelog WHERE entity = 'role' AND op = 'delete' AND revision = ?",
        deleted.json().getLong("revision"))).isEqualTo(1);
    assertThat(fx.count("SELECT count(*) FROM audit_events WHERE action = 'role.delete' AND target_id = 'lab_lead'"
        + " AND before ->> 'name' = 'lab_lead' AND after IS NULL")).isEqualTo(1);
  }

  @Test
  void roles_listShowsBuiltinsWithClosureThroughIncludes() {
    Response r = http.get("/v1/roles", server.admin());
    assertThat(r.status()).isEqualTo(200);
    JsonObject deptAdmin = r.items().stream().map(JsonObject.class::cast)
        .filter(o -> o.getString("name").equals("department_admin")).findFirst().orElseThrow();
    assertThat(deptAdmin.getBoolean("builtin")).isTrue();
    assertThat(deptAdmin.getJsonArray("includes")).containsExactly("instructor", "teaching_assistant");
    assertThat(deptAdmin.getJsonArray("permissions")).doesNotContain("grades.write");
    assertThat(deptAdmin.getJsonArray("effective_permissions")).contains("grades.write", "users.write");
  }

  @Test
  void include_thatWouldMakeACycle_is409Cycle_andWritesNothing() {
    assertThat(http.post("/v1/roles", server.admin(), role("ring_c", new JsonArray(), new JsonArray())).status()).isEqualTo(201);
    assertThat(http.post("/v1/roles", server.admin(), role("ring_b", new JsonArray(), new JsonArray().add("ring_c")))
        .status()).isEqualTo(201);
    assertThat(http.post("/v1/roles", server.admin(), role("ring_a", new JsonArray(), new JsonArray().add("ring_b")))
        .status()).isEqualTo(201);
    Map<String, String> before = fx.snapshot();

    for (String include : new String[] {"ring_a", "ring_b", "ring_c"}) {
      Response r = http.patch("/v1/roles/ring_c", server.admin(), new JsonObject().put("includes", new JsonArray().add(include)));
      assertThat(r.status()).as(include + ": " + r).isEqualTo(409);
      assertThat(r.json().getString("code")).isEqualTo("cycle");
      assertThat(AccessFixture.fields(r)).containsExactly("includes");
    }
    assertThat(fx.snapshot()).isEqualTo(before);
    Response fine = http.patch("/v1/roles/ring_a", server.admin(), new JsonObject().put("includes", new JsonArray().add("ring_c")));
    assertThat(fine.status()).as(fine.toString()).isEqualTo(200);
  }

  @Test
  void builtinRole_cannotBeDeletedOrRenamed_butItsDescriptionMayChange() {
    Map<String, String> before = fx.snapshot();
    Response delete = http.delete("/v1/roles/instructor", server.admin());
    assertThat(delete.status()).isEqualTo(409);
    assertThat(delete.json().getString("code")).isEqualTo("builtin");
    Response rename = http.patch("/v1/roles/instructor", server.admin(), new JsonObject().put("name", "lecturer"));
    assertThat(rename.status()).isEqualTo(409);
    assertThat(rename.json().getString("code")).isEqualTo("builtin");
    assertThat(AccessFixture.fields(rename)).containsExactly("name");
    assertThat(fx.snapshot()).isEqualTo(before);

    Response same = http.patch("/v1/roles/staff", server.admin(),
        new JsonObject().put("name", "staff").put("description", "a member of university staff"));
    assertThat(same.status()).as(same.toString()).isEqualTo(200);
    assertThat(same.json().getBoolean("builtin")).isTrue();
  }

  @Test
  void roleStillGrantedOrIncluded_cannotBeDeleted_is409InUse() {
    assertThat(http.post("/v1/roles", server.admin(), role("grader", new JsonArray().add("grades.read"), new JsonArray()))
        .status()).isEqualTo(201);
    long userId = fx.user("grader_person", null);
    JsonObject grant = fx.grant(server.admin(), userId, "grader", "global");
    Map<String, String> before = fx.snapshot();
    Response granted = http.delete("/v1/roles/grader", server.admin());
    assertThat(granted.status()).isEqualTo(409);
    assertThat(granted.json().getString("code")).isEqualTo("in_use");
    assertThat(fx.snapshot()).isEqualTo(before);

    assertThat(http.delete("/v1/grants/" + grant.getLong("id"), server.admin()).status()).isEqualTo(200);
    assertThat(http.post("/v1/roles", server.admin(), role("head_grader", new JsonArray(), new JsonArray().add("grader")))
        .status()).isEqualTo(201);
    Response included = http.delete("/v1/roles/grader", server.admin());
    assertThat(included.status()).isEqualTo(409);
    assertThat(included.json().getString("code")).isEqualTo("in_use");
    assertThat(included.json().getString("detail")).contains("head_grader");

    assertThat(http.delete("/v1/roles/head_grader", server.admin()).status()).isEqualTo(200);
    assertThat(http.delete("/v1/roles/grader", server.admin()).status()).isEqualTo(200);
  }

  @Test
  void writes_withoutRolesWrite_are403_andWriteNothing() {
    String token = fx.login(userNamed("no_roles_write"));
    Map<String, String> before = fx.snapshot();
    assertThat(http.post("/v1/permissions", token, new JsonObject().put("name", "x.y")).status()).isEqualTo(403);
    assertThat(http.post("/v1/roles", token, role("sneaky", new JsonArray(), new JsonArray())).status())
        .isEqualTo(403);
    assertThat(http.patch("/v1/roles/student", token, new JsonObject().put("description", "x")).status())
        .isEqualTo(403);
    assertThat(http.delete("/v1/roles/student", token).status()).isEqualTo(403);
    assertThat(fx.snapshot()).isEqualTo(before);
  }

  @Test
  void roleEditor_cannotMakeARoleCarryAPermissionTheyLack() {
    assertThat(http.post("/v1/roles", server.admin(), role("role_editor", new JsonArray().add("roles.write"), new JsonArray()))
        .status()).isEqualTo(201);
    long editor = fx.user("editor_person", null);
    fx.grant(server.admin(), editor, "role_editor", "global");
    String token = fx.login("editor_person");
    Map<String, String> before = fx.snapshot();

    Response escalate = http.patch("/v1/roles/role_editor", token,
        new JsonObject().put("permissions", new JsonArray().add("roles.write").add("users.write")));
    assertThat(escalate.status()).as(escalate.toString()).isEqualTo(403);
    assertThat(escalate.json().getString("code")).isEqualTo("cannot_delegate");
    assertThat(escalate.json().getString("detail")).contains("users.write");
    Response viaInclude = http.post("/v1/roles", token, role("editor_plus", new JsonArray(), new JsonArray().add("admin")));
    assertThat(viaInclude.status()).isEqualTo(403);
    assertThat(viaInclude.json().getString("code")).isEqualTo("cannot_delegate");
    assertThat(fx.snapshot()).isEqualTo(before);

    Response held = http.post("/v1/roles", token, role("editor_copy", new JsonArray().add("roles.write"), new JsonArray()));
    assertThat(held.status()).as(held.toString()).isEqualTo(201);
  }

  private static int people;

  private static String userNamed(String prefix) {
    String name = prefix + "_" + (++people);
    fx.user(name, null);
    return name;
  }
}
