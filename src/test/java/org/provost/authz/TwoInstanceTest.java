package org.provost.authz;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.provost.testing.AccessFixture;
import org.provost.testing.Http;
import org.provost.testing.Http.Response;
import org.provost.testing.ProvostServer;
import org.provost.testing.TestServer;

/** Two instances on one database: a write on A is seen by B at the revision A answered. */
class TwoInstanceTest {
  @RegisterExtension
  static final ProvostServer servers = ProvostServer.builder().directory().build();
  static final AccessFixture fx = servers.fixture();
  static TestServer a;
  static TestServer b;
  static String adminOnA;
  static String adminOnB;

  @BeforeAll
  static void startB() {
    a = servers.instance();
    b = servers.another(Map.of());
    adminOnA = a.adminToken();
    adminOnB = b.adminToken();
  }

  static Response checkOnB(String subject, String permission, String resource, long atLeast) {
    return b.http.get("/v1/check?subject=" + subject + "&permission=" + permission + "&resource=" + resource
        + "&at_least_revision=" + atLeast, adminOnB);
  }

  @Test
  void revokeOnA_checkOnBAtThatRevision_isFalse() {
    long tess = fx.user("tess", "CS");
    JsonObject grant = fx.grant(adminOnA, tess, "teaching_assistant", "offering:CS101/2026-fall");
    Response allowed = checkOnB("tess", "grades.write", "offering:CS101/2026-fall", grant.getLong("revision"));
    assertThat(allowed.json().getBoolean("allowed")).isTrue();
    assertThat(allowed.json().getLong("revision")).isGreaterThanOrEqualTo(grant.getLong("revision"));

    Response revoked = a.http.delete("/v1/grants/" + grant.getLong("id"), adminOnA);
    long revision = revoked.json().getLong("revision");
    Response denied = checkOnB("tess", "grades.write", "offering:CS101/2026-fall", revision);
    assertThat(denied.status()).isEqualTo(200);
    assertThat(denied.json().getBoolean("allowed")).isFalse();
    assertThat(denied.json().getLong("revision")).isGreaterThanOrEqualTo(revision);
  }

  @Test
  void revokeOnA_batchAndExplainOnBAtThatRevision_denyToo() {
    long tom = fx.user("tom", "CS");
    JsonObject grant = fx.grant(adminOnA, tom, "teaching_assistant", "offering:CS101/2026-fall");
    long revision = a.http.delete("/v1/grants/" + grant.getLong("id"), adminOnA).json().getLong("revision");
    JsonObject batch = new JsonObject().put("at_least_revision", revision).put("checks", new io.vertx.core.json.JsonArray()
        .add(new JsonObject().put("subject", "tom").put("permission", "grades.write")
            .put("resource", "offering:CS101/2026-fall")));
    Response r = b.http.post("/v1/check/batch", adminOnB, batch);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().getLong("revision")).isGreaterThanOrEqualTo(revision);
    assertThat(r.json().getJsonArray("results").getJsonObject(0).getBoolean("allowed")).isFalse();
    Response explain = b.http.get("/v1/check/explain?subject=tom&permission=grades.write&resource="
        + "offering:CS101/2026-fall&at_least_revision=" + revision, adminOnB);
    assertThat(explain.json().getJsonArray("because")).isEmpty();
    assertThat(explain.json().getLong("revision")).isGreaterThanOrEqualTo(revision);
  }

  @Test
  void deactivateOnA_deniesOnB_andEndsTheUsersSessionOnB() {
    long uma = fx.user("uma", "CS");
    JsonObject grant = fx.grant(adminOnA, uma, "instructor", "department:CS");
    String umaOnB = b.http.login("uma", AccessFixture.PASSWORD);
    assertThat(b.http.get("/v1/me", umaOnB).status()).isEqualTo(200);
    assertThat(checkOnB("uma", "grades.write", "course:CS101", grant.getLong("revision")).json()
        .getBoolean("allowed")).isTrue();

    assertThat(a.http.delete("/v1/users/" + uma, adminOnA).status()).isEqualTo(200);
    long latest = fx.count("SELECT max(revision) FROM changelog");
    assertThat(checkOnB("uma", "grades.write", "course:CS101", latest).json().getBoolean("allowed")).isFalse();
    assertThat(b.http.get("/v1/me", umaOnB).status()).isEqualTo(401);
  }

  @Test
  void logoutOnA_endsTheSessionOnB() {
    fx.user("vic", "CS");
    String token = a.http.login("vic", AccessFixture.PASSWORD);
    Http onB = b.http;
    assertThat(onB.get("/v1/me", token).status()).isEqualTo(200);
    assertThat(a.http.delete("/v1/sessions/current", token).status()).isEqualTo(204);
    long latest = fx.count("SELECT max(revision) FROM changelog");
    checkOnB("admin", "users.read", "global", latest);
    assertThat(onB.get("/v1/me", token).status()).isEqualTo(401);
  }

  /**
   * A request is authenticated before it waits for its at_least_revision, so the revision it waits for can
   * be the one that ends its own session or key. Before, B answered such a request with the principal it had
   * resolved before the wait (200 for an ended session); now the principal is resolved again once the
   * revision is applied, and the answer is 401. One case per kind of end: a logout, a deactivated account, a
   * revoked API key.
   */
  @Test
  void aRequestWaitingForTheRevisionThatEndsItsSession_isAnswered401() throws Exception {
    fx.user("gail", "CS");
    String gail = a.http.login("gail", AccessFixture.PASSWORD);
    Response afterLogout = waitingOnB("/v1/me", gail,
        () -> assertThat(a.http.delete("/v1/sessions/current", gail).status()).isEqualTo(204));
    assertThat(afterLogout.status()).as("after the logout: %s", afterLogout).isEqualTo(401);

    long hugo = fx.user("hugo", "CS");
    String hugoToken = a.http.login("hugo", AccessFixture.PASSWORD);
    Response afterDeactivation = waitingOnB("/v1/me", hugoToken,
        () -> assertThat(a.http.delete("/v1/users/" + hugo, adminOnA).status()).isEqualTo(200));
    assertThat(afterDeactivation.status()).as("after the deactivation: %s", afterDeactivation).isEqualTo(401);

    JsonObject client = fx.client(adminOnA, "gate-probe", "authz.check");
    Response afterRevoke = waitingOnB("/v1/check?subject=admin&permission=users.read&resource=global",
        client.getString("key"), () -> assertThat(a.http.delete("/v1/clients/" + client.getLong("id"), adminOnA)
            .status()).isEqualTo(200));
    assertThat(afterRevoke.status()).as("after the key's revocation: %s", afterRevoke).isEqualTo(401);
  }

  /**
   * B's answer to {@code path} with {@code token}, asked at the next revision while B is at the latest:
   * {@code write} runs on A once the request waits on B. The token is used on B first, so B knows it.
   */
  private static Response waitingOnB(String path, String token, Runnable write) throws Exception {
    Response warm = b.http.get(path, token);
    assertThat(warm.status()).as("before: %s", warm).isEqualTo(200);
    long latest = fx.count("SELECT max(revision) FROM changelog");
    checkOnB("admin", "users.read", "global", latest);
    String sep = path.contains("?") ? "&" : "?";
    java.util.concurrent.CompletableFuture<Response> waiting = java.util.concurrent.CompletableFuture.supplyAsync(
        () -> b.http.get(path + sep + "at_least_revision=" + (latest + 1), token));
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(5).toNanos();
    while (b.app().revisionGate().waiting() == 0 && System.nanoTime() < deadline) Thread.sleep(2);
    assertThat(b.app().revisionGate().waiting()).as("the request waits on B").isEqualTo(1);
    write.run();
    return waiting.get(10, java.util.concurrent.TimeUnit.SECONDS);
  }

  @Test
  void aRevisionNotYetWritten_answers503AfterWaiting() {
    long far = fx.count("SELECT max(revision) FROM changelog") + 100;
    Response r = checkOnB("admin", "users.read", "global", far);
    assertThat(r.status()).isEqualTo(503);
    assertThat(r.json().getString("code")).isEqualTo("revision_not_yet_applied");
  }

  @Test
  void meOnB_reflectsAGrantMadeOnA() {
    long wes = fx.user("wes", "CS");
    String token = b.http.login("wes", AccessFixture.PASSWORD);
    assertThat(b.http.get("/v1/me", token).json().getJsonArray("grants")).isEmpty();
    JsonObject grant = fx.grant(adminOnA, wes, "teaching_assistant", "offering:CS101/2026-fall");
    checkOnB("wes", "grades.read", "global", grant.getLong("revision"));
    JsonObject me = b.http.get("/v1/me", token).json();
    assertThat(me.getJsonArray("grants").getJsonObject(0).getString("scope")).isEqualTo("offering:CS101/2026-fall");
    assertThat(me.getJsonArray("permissions").encode()).contains("grades.write");
    assertThat(me.getLong("revision")).isGreaterThanOrEqualTo(grant.getLong("revision"));
  }

  @Test
  void aChangelogRowTheIndexCannotRead_makesItReloadRatherThanSkip() {
    long xena = fx.user("xena", "CS");
    fx.sql("""
        INSERT INTO grants (user_id, role_id, scope_type, scope_id, reason, revision)
        SELECT ?, id, 0, NULL, 'written behind the service', 0 FROM roles WHERE name = 'staff'""", xena);
    fx.sql("INSERT INTO changelog (entity, entity_id, op) VALUES ('grant', 'not-a-number', 'create')");
    long latest = fx.count("SELECT max(revision) FROM changelog");
    assertThat(checkOnB("xena", "facilities.book", "global", latest).json().getBoolean("allowed")).isTrue();
    assertThat(fx.check("xena", "facilities.book", "global")).isTrue();
  }
}
