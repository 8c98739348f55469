package org.provost.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.provost.testing.AccessFixture;
import org.provost.testing.Http.Response;
import org.provost.testing.ProvostServer;

/** Imports are audited per user (issue 8 item 7); audit follows the account, not the name (item 8). */
class AuditIdentityTest {
  @RegisterExtension
  static final ProvostServer server = ProvostServer.builder().directory().build();
  static final AccessFixture fx = server.fixture();

  static JsonArray events(String query) {
    Response r = server.http.get("/v1/audit?" + query, server.admin());
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json().getJsonArray("items");
  }

  static JsonObject importCsv(String query, String csv) {
    Response r = server.http.send("POST", "/v1/imports" + query, server.admin(), csv, "text/csv");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json();
  }

  @Test
  void snapshotImport_auditsEachUserItCreatesChangesAndDeactivates() {
    StringBuilder first = new StringBuilder("external_id,username,email,type,verified\n");
    for (int i = 0; i < 20; i++) first.append("SN").append(i).append(",snap").append(i).append(",snap").append(i)
        .append("@uni.example,student,true\n");
    long created = importCsv("", first.toString()).getLong("revision");
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      ids.add(fx.count("SELECT id FROM users WHERE external_id = ?", "SN" + i));
    }
    JsonArray made = events("target=user:" + ids.getFirst());
    assertThat(made).hasSize(1);
    assertThat(made.getJsonObject(0).getString("action")).isEqualTo("user.create");
    assertThat(made.getJsonObject(0).getJsonObject("after").getString("username")).isEqualTo("snap0");
    assertThat(made.getJsonObject(0).getJsonObject("after").getJsonObject("import").getLong("revision"))
        .isEqualTo(created);

    // the next file: 11 people gone, one changed, the rest as they were
    StringBuilder next = new StringBuilder("external_id,username,email,type,verified\n");
    for (int i = 11; i < 20; i++) next.append("SN").append(i).append(",snap").append(i).append(",snap").append(i)
        .append("@uni.example,student,").append(i == 11 ? "false" : "true").append('\n');
    JsonObject report = importCsv("?snapshot=true", next.toString());
    assertThat(report.getJsonObject("counts").getInteger("deactivated")).isEqualTo(11);
    long revision = report.getLong("revision");
    for (int i = 0; i < 11; i++) {
      JsonArray mine = events("target=user:" + ids.get(i) + "&action=user.deactivate");
      assertThat(mine).as("user %d", ids.get(i)).hasSize(1);
      JsonObject e = mine.getJsonObject(0);
      assertThat(e.getJsonObject("before").getBoolean("active")).isTrue();
      assertThat(e.getJsonObject("after").getBoolean("active")).isFalse();
      assertThat(e.getJsonObject("after").getJsonObject("import").getLong("revision")).isEqualTo(revision);
      assertThat(e.getString("actor")).isEqualTo("admin");
    }
    JsonArray changed = events("target=user:" + ids.get(11) + "&action=user.update");
    assertThat(changed).hasSize(1);
    assertThat(changed.getJsonObject(0).getJsonObject("before").getBoolean("verified")).isTrue();
    assertThat(changed.getJsonObject(0).getJsonObject("after").getBoolean("verified")).isFalse();
    assertThat(events("target=user:" + ids.get(12) + "&action=user.update")).isEmpty();
  }

  @Test
  void afterARename_theUsersSessionActsAndIsAuditedUnderTheAccount_andFiltersAcceptIdOrName() {
    long id = fx.user("oldname", null);
    fx.grant(server.admin(), id, "admin", "global");
    String token = fx.login("oldname");
    Response before = server.http.post("/v1/departments", token, new JsonObject().put("code", "PRE").put("name", "P"));
    assertThat(before.status()).as(before.toString()).isEqualTo(201);
    Response renamed = server.http.patch("/v1/users/" + id, server.admin(), new JsonObject().put("username", "newname"));
    assertThat(renamed.status()).as(renamed.toString()).isEqualTo(200);
    Response after = server.http.post("/v1/departments", token, new JsonObject().put("code", "POST1").put("name", "P"));
    assertThat(after.status()).as(after.toString()).isEqualTo(201);

    JsonObject event = events("target=department:POST1").getJsonObject(0);
    assertThat(event.getString("actor")).isEqualTo("newname");
    assertThat(event.getLong("actor_id")).isEqualTo(id);
    // by the new name (in any case), or by id: both events of the account, the one under the old name too
    for (String actor : List.of("newname", "NewName", String.valueOf(id))) {
      List<String> targets = events("actor=" + actor).stream().map(e -> ((JsonObject) e).getString("target")).toList();
      assertThat(targets).as(actor).contains("department:PRE", "department:POST1");
    }
    // the old name still finds what was recorded under it
    List<String> old = events("actor=oldname").stream().map(e -> ((JsonObject) e).getString("target")).toList();
    assertThat(old).contains("department:PRE").doesNotContain("department:POST1");
  }
}
