package org.provost.authz;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.provost.db.Jdbc;
import org.provost.testing.AccessFixture;
import org.provost.testing.Http;
import org.provost.testing.Http.Response;
import org.provost.testing.ProvostServer;

/**
 * What an attacker found beyond the reported scenarios, each as a test that failed before its fix: keys
 * handed to someone who holds more, rotation by someone else, placeholders carrying a future hire's SIS id,
 * a move or an import deciding on state read before the writer lock, and grants read through a listing.
 */
class AuthorityFindingsTest {
  static final long CHANGELOG_LOCK = 0x70726f766f7374L;
  static final long IMPORT_LOCK = 0x696d706f7274L;
  @RegisterExtension
  static final ProvostServer server = ProvostServer.builder().directory().build();
  static final AccessFixture fx = server.fixture();
  static final Http http = server.http;

  @BeforeAll
  static void seed() {
    assertThat(http.post("/v1/roles", server.admin(), new JsonObject().put("name", "it_ops").put("permissions",
        new JsonArray().add("clients.write").add("users.read").add("authz.check").add("grades.read"))).status())
        .isEqualTo(201);
  }

  @Test
  void aKeyCannotBeHandedToSomeoneWhoHoldsMore_takingOneOverRotatesIt() {
    long ops = fx.user("keyops", null);
    fx.grant(server.admin(), ops, "it_ops", "global");
    String opsToken = fx.login("keyops");
    JsonObject key = fx.client(opsToken, "reporting", "users.read", "authz.check");
    long id = key.getLong("id");
    Response handed = http.patch("/v1/clients/" + id, opsToken, new JsonObject().put("owner", "admin"));
    assertThat(handed.status()).as(handed.toString()).isEqualTo(400);
    assertThat(AccessFixture.fields(handed)).containsExactly("owner");
    Response taken = http.patch("/v1/clients/" + id, server.admin(), new JsonObject().put("owner", "admin"));
    assertThat(taken.status()).as(taken.toString()).isEqualTo(200);
    assertThat(taken.json().getString("owner")).isEqualTo("admin");
    // the maker's copy of the secret stops: only the new owner holds the new one
    assertThat(http.get("/v1/users?limit=1", key.getString("key")).status()).isEqualTo(401);
    assertThat(http.get("/v1/users?limit=1", taken.json().getString("key")).status()).isEqualTo(200);
  }

  @Test
  void rotatingSomeoneElsesKey_makesTheRotatorItsOwner() {
    long ops = fx.user("rotator", null);
    fx.grant(server.admin(), ops, "it_ops", "global");
    JsonObject adminsKey = fx.client(server.admin(), "admins-reader", "users.read");
    Response r = http.post("/v1/clients/" + adminsKey.getLong("id") + "/rotate", fx.login("rotator"), new JsonObject());
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().getLong("owner_id")).isEqualTo(ops);
  }

  @Test
  void onlyTheSisLinksAccounts_andAnImportThatReidentifiesOneEndsItsPassword() {
    long da = fx.user("da_placeholder", "CS");
    fx.grant(server.admin(), da, "department_admin", "department:CS");
    String daToken = fx.login("da_placeholder");
    Response placeholder = http.post("/v1/users", daToken, new JsonObject().put("username", "placeholder1")
        .put("email", "ph1@uni.test").put("type", "student").put("department", "CS").put("external_id", "EXT-newprof")
        .put("password", "attacker-known-pw-77"));
    assertThat(placeholder.status()).as(placeholder.toString()).isEqualTo(403);
    // one with the right to link (the admin) made it; the SIS then says it is someone else
    assertThat(http.post("/v1/users", server.admin(), new JsonObject().put("username", "placeholder2")
        .put("email", "ph2@uni.test").put("type", "student").put("external_id", "EXT-newprof2")
        .put("password", "known-before-the-sis-77")).status()).isEqualTo(201);
    long registrar = fx.user("registrar_sis", null);
    fx.grant(server.admin(), registrar, "registrar", "global");
    Response imported = http.send("POST", "/v1/imports", fx.login("registrar_sis"),
        "external_id,username,email,type\nEXT-newprof2,newprof,newprof@uni.test,faculty\n", "text/csv");
    assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
    Response login = http.post("/v1/sessions", null, new JsonObject().put("username", "newprof")
        .put("password", "known-before-the-sis-77"));
    assertThat(login.status()).as("the old password died with the old identity").isEqualTo(401);
  }

  @Test
  void listingUsersWithTheirGrants_needsGrantsRead() {
    long ops = fx.user("lister", null);
    fx.grant(server.admin(), ops, "it_ops", "global");
    String token = fx.login("lister");
    assertThat(http.get("/v1/users?limit=5", token).status()).isEqualTo(200);
    Response withGrants = http.get("/v1/users?limit=5&include=grants", token);
    assertThat(withGrants.status()).as(withGrants.toString()).isEqualTo(403);
  }

  /** Holds a transaction-level advisory lock on its own connection until closed. */
  private static final class HeldLock implements AutoCloseable {
    final Connection c;

    HeldLock(long key) throws Exception {
      c = DriverManager.getConnection(server.jdbcUrl());
      c.setAutoCommit(false);
      Jdbc.returningLong(c, "SELECT 1 FROM pg_advisory_xact_lock(?)", key);
    }

    @Override
    public void close() throws Exception {
      c.rollback();
      c.close();
    }
  }

  private static void awaitWaiting(int n) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      if (fx.count("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()")
          >= n) {
        return;
      }
      Thread.sleep(5);
    }
    throw new AssertionError(n + " requests never waited on the lock");
  }

  private static <T> CompletableFuture<T> async(Supplier<T> s) {
    return CompletableFuture.supplyAsync(s);
  }

  @Test
  void aMoveDecidesOnTheParentItReadsUnderTheLock_notBeforeIt() throws Exception {
    fx.sql("INSERT INTO departments (code, name) VALUES ('XD', 'X'), ('P2', 'P2')");
    fx.sql("INSERT INTO departments (code, name, parent_id) SELECT v, v, (SELECT id FROM departments WHERE code = 'XD')"
        + " FROM unnest(ARRAY['P1', 'TT']) v");
    fx.sql("INSERT INTO departments (code, name, parent_id) SELECT 'DD', 'DD', id FROM departments WHERE code = 'P1'");
    fx.sql("INSERT INTO changelog (entity, entity_id, op) VALUES ('bulk', 'fixture', 'reload')");
    fx.grant(server.admin(), fx.user("xadmin", "XD"), "department_admin", "department:XD");
    assertThat(http.post("/v1/roles", server.admin(), new JsonObject().put("name", "dir_writer")
        .put("permissions", new JsonArray().add("directory.write"))).status()).isEqualTo(201);
    long mover = fx.user("mover", null);
    fx.grant(server.admin(), mover, "dir_writer", "department:DD");
    fx.grant(server.admin(), mover, "dir_writer", "department:TT");
    String moverToken = fx.login("mover");
    CompletableFuture<Response> first;
    CompletableFuture<Response> second;
    try (HeldLock lock = new HeldLock(CHANGELOG_LOCK)) {
      first = async(() -> http.patch("/v1/departments/DD", server.admin(), new JsonObject().put("parent", "P2")));
      awaitWaiting(1);
      second = async(() -> http.patch("/v1/departments/DD", moverToken, new JsonObject().put("parent", "TT")));
      awaitWaiting(2);
    }
    assertThat(first.get().status()).isEqualTo(200);
    Response moved = second.get();
    assertThat(moved.status()).as("moving DD from P2 under TT gives XD's admin what the mover lacks: %s", moved)
        .isEqualTo(403);
    assertThat(fx.check("xadmin", "audit.read", "department:DD")).isFalse();
  }

  @Test
  void anImportChecksItsRightUnderItsLock_soARevokeWhileItWaitsCounts() throws Exception {
    long registrar = fx.user("late_registrar", null);
    long grant = fx.grant(server.admin(), registrar, "registrar", "global").getLong("id");
    String token = fx.login("late_registrar");
    CompletableFuture<Response> importing;
    try (HeldLock lock = new HeldLock(IMPORT_LOCK)) {
      importing = async(() -> http.send("POST", "/v1/imports", token,
          "external_id,username,email,type\nEXT-sneak,sneak,sneak@uni.test,student\n", "text/csv"));
      awaitWaiting(1);
      assertThat(http.delete("/v1/grants/" + grant, server.admin()).status()).isEqualTo(200);
    }
    Response r = importing.get();
    assertThat(r.status()).as(r.toString()).isEqualTo(403);
    assertThat(fx.count("SELECT count(*) FROM users WHERE external_id = 'EXT-sneak'")).isZero();
  }
}
