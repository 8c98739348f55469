package org.provost.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.provost.testing.AccessFixture;
import org.provost.testing.Http.Response;
import org.provost.testing.ProvostServer;
import org.provost.testing.Scrape;
import org.provost.testing.TestServer;

/**
 * The lanes of DESIGN.md: with the SQL lane held full (every admission permit AND every connection of the
 * pool taken by the test), requests answered from memory still answer, including a token and a /v1/me body
 * the instance has never seen (filled through the fill pool); SQL requests are refused with 503
 * {@code overloaded} and Retry-After while the lane is still held, so the refusal did not wait for it. Same
 * for the hash lane and logins. No timing is asserted: only outcomes, obtained while the lane is held.
 */
class LaneIsolationTest {
  @RegisterExtension
  static final ProvostServer servers = ProvostServer.builder().directory().build();
  static final AccessFixture fx = servers.fixture();
  static TestServer a;
  /** The instance whose lanes are held: its small limits make a full lane easy to reach. */
  static TestServer b;
  /** B's failure limit per client address. */
  static final int ADDRESS_LIMIT = 5;
  static String adminToken;
  static String userToken;
  static String apiKey;

  @BeforeAll
  static void startB() {
    a = servers.instance();
    b = servers.another(Map.of("PROVOST_DB_POOL_MAX_SIZE", "3", "PROVOST_DB_POOL_MIN_IDLE", "1",
        "PROVOST_SQL_LANE_CONCURRENCY", "3", "PROVOST_SQL_LANE_QUEUE", "1", "PROVOST_SQL_LANE_MAX_WAIT", "100ms",
        "PROVOST_HASH_THREADS", "1", "PROVOST_HASH_LANE_QUEUE", "0", "PROVOST_LOGIN_MAX_FAILURES_PER_ADDRESS",
        Integer.toString(ADDRESS_LIMIT)));
    fx.user("lena", "CS");
    fx.grant(fx.adminToken(), fx.id("lena"), "teaching_assistant", "offering:CS101/2026-fall");
    // tokens made on A: B has never seen them, so B loads each once, through its fill pool
    adminToken = a.adminToken();
    userToken = fx.login("lena");
    apiKey = fx.client(adminToken, "lane-probe", "authz.check").getString("key");
  }

  @Test
  void sqlLaneHeld_memoryLaneAnswers_sqlRequestsRefusedWith503() throws Exception {
    HikariDataSource pool = (HikariDataSource) b.app().database().primary();
    Runnable releaseReads = b.app().admissions().sqlReads().holdAll();
    Runnable releaseWrites = b.app().admissions().sqlWrites().holdAll();
    Runnable releaseGrouped = b.app().admissions().groupedWrites().holdAll();
    List<Connection> held = new ArrayList<>();
    double refusedBefore = refused("sql");
    try {
      for (int i = 0; i < pool.getMaximumPoolSize(); i++) held.add(pool.getConnection());
      assertThat(pool.getHikariPoolMXBean().getActiveConnections()).isEqualTo(pool.getMaximumPoolSize());
      assertThat(b.app().admissions().sqlReads().available()).isZero();

      // memory lane: a check by session and by API key, batch, explain, /v1/me (first use on B, then cached)
      Response check = b.http.get("/v1/check?subject=lena&permission=grades.write&resource=offering:CS101/2026-fall",
          adminToken);
      assertThat(check.status()).as("check: %s", check).isEqualTo(200);
      assertThat(check.json().getBoolean("allowed")).isTrue();
      Response byKey = b.http.get("/v1/check?subject=lena&permission=grades.write&resource=offering:CS101/2026-fall",
          apiKey);
      assertThat(byKey.status()).as("check by key: %s", byKey).isEqualTo(200);
      Response batch = b.http.post("/v1/check/batch", adminToken, new JsonObject().put("checks", new JsonArray()
          .add(new JsonObject().put("subject", "lena").put("permission", "grades.write")
              .put("resource", "offering:CS101/2026-fall"))));
      assertThat(batch.status()).as("batch: %s", batch).isEqualTo(200);
      Response explain = b.http.get("/v1/check/explain?subject=lena&permission=grades.write"
          + "&resource=offering:CS101/2026-fall", adminToken);
      assertThat(explain.status()).as("explain: %s", explain).isEqualTo(200);
      for (int i = 0; i < 2; i++) {
        Response me = b.http.get("/v1/me", userToken);
        assertThat(me.status()).as("/v1/me: %s", me).isEqualTo(200);
        assertThat(me.json().getJsonObject("user").getString("username")).isEqualTo("lena");
      }

      // readiness: a full SQL lane is overload, not a database outage (a balancer must keep this instance)
      Response ready = b.http.get("/health/ready", null);
      assertThat(ready.status()).as("ready: %s", ready).isEqualTo(200);

      // SQL lane: refused while still held (the lane is released only after these answers arrive)
      for (String path : List.of("/v1/users?limit=50", "/v1/users/" + fx.id("lena") + "/grants", "/v1/roles")) {
        Response r = b.http.get(path, adminToken);
        assertThat(r.status()).as("%s: %s", path, r).isEqualTo(503);
        assertThat(r.header("Retry-After")).isNotBlank();
        assertThat(r.json().getString("code")).isEqualTo("overloaded");
      }
      Response grant = fx.tryGrant(adminToken, fx.id("lena"), "student", "department:CS");
      assertThat(grant.status()).isEqualTo(201); // on A: its lanes are its own
      Response grantOnB = b.http.post("/v1/users/" + fx.id("lena") + "/grants", adminToken,
          new JsonObject().put("role", "student").put("scope", "department:MATH"));
      assertThat(grantOnB.status()).as("grant on B: %s", grantOnB).isEqualTo(503);
      assertThat(b.app().admissions().sqlReads().available()).isZero();
      assertThat(b.app().admissions().sqlWrites().available()).isZero();
      assertThat(refused("sql")).isGreaterThanOrEqualTo(refusedBefore + 4);
    } finally {
      for (Connection c : held) c.close();
      releaseGrouped.run();
      releaseWrites.run();
      releaseReads.run();
    }
    Response after = b.http.get("/v1/users?limit=5", adminToken);
    assertThat(after.status()).as("after release: %s", after).isEqualTo(200);
  }

  @Test
  void writesHeld_readsStillAnswer_writesRefusedWith503() throws Exception {
    Runnable release = b.app().admissions().sqlWrites().holdAll();
    try {
      Response write = b.http.post("/v1/departments", adminToken,
          new JsonObject().put("code", "HELD").put("name", "Held"));
      assertThat(write.status()).as("write: %s", write).isEqualTo(503);
      assertThat(write.json().getString("code")).isEqualTo("overloaded");
      Response read = b.http.get("/v1/users/" + fx.id("lena") + "/grants", adminToken);
      assertThat(read.status()).as("read: %s", read).isEqualTo(200);
      assertThat(b.app().admissions().sqlWrites().available()).isZero();
      // grants and revokes are committed in groups, with a share of their own: other writes do not hold them
      Response grant = b.http.post("/v1/users/" + fx.id("lena") + "/grants", adminToken,
          new JsonObject().put("role", "student").put("scope", "department:SCI"));
      assertThat(grant.status()).as("grant: %s", grant).isEqualTo(201);
    } finally {
      release.run();
    }
  }

  @Test
  void groupedWritesHeld_grantsRefusedWith503_otherWritesAnswer() throws Exception {
    Runnable release = b.app().admissions().groupedWrites().holdAll();
    try {
      Response grant = b.http.post("/v1/users/" + fx.id("lena") + "/grants", adminToken,
          new JsonObject().put("role", "student").put("scope", "department:MATH"));
      assertThat(grant.status()).as("grant: %s", grant).isEqualTo(503);
      assertThat(grant.json().getString("code")).isEqualTo("overloaded");
      assertThat(grant.header("Retry-After")).isNotBlank();
      Response write = b.http.post("/v1/departments", adminToken,
          new JsonObject().put("code", "FREE").put("name", "Not held"));
      assertThat(write.status()).as("write: %s", write).isEqualTo(201);
    } finally {
      release.run();
    }
  }

  @Test
  void hashLaneHeld_loginsRefusedWith503_checksAnswer() throws Exception {
    double refusedBefore = refused("hash");
    Runnable release = b.app().admissions().hash().holdAll();
    try {
      Response login = b.http.post("/v1/sessions", null, new JsonObject().put("username", "lena")
          .put("password", AccessFixture.PASSWORD));
      assertThat(login.status()).as("login: %s", login).isEqualTo(503);
      assertThat(login.header("Retry-After")).isNotBlank();
      assertThat(login.json().getString("code")).isEqualTo("overloaded");
      Response check = b.http.get("/v1/check?subject=lena&permission=grades.write&resource=offering:CS101/2026-fall",
          adminToken);
      assertThat(check.status()).isEqualTo(200);
      assertThat(b.http.get("/v1/me", userToken).status()).isEqualTo(200);
      // the SQL lane is not the hash lane's: a listing still answers
      assertThat(b.http.get("/v1/users?limit=5", adminToken).status()).isEqualTo(200);
      assertThat(b.app().admissions().hash().available()).isZero();
      assertThat(refused("hash")).isGreaterThanOrEqualTo(refusedBefore + 1);
    } finally {
      release.run();
    }
    Response login = b.http.post("/v1/sessions", null, new JsonObject().put("username", "lena")
        .put("password", AccessFixture.PASSWORD));
    assertThat(login.status()).as("login after release: %s", login).isEqualTo(201);
  }

  @Test
  void anAddressOverItsFailureLimit_isRefused429BeforeTheHashLane_evenWhileTheLaneIsFull() throws Exception {
    String guesser = "198.51.100.77"; // the test's client is loopback, a trusted proxy: X-Forwarded-For counts
    for (int i = 0; i < ADDRESS_LIMIT; i++) {
      Response wrong = b.http.sendWithHeader("POST", "/v1/sessions", "X-Forwarded-For", guesser,
          new JsonObject().put("username", "nobody" + i).put("password", "wrong-password").encode());
      assertThat(wrong.status()).as("failure %d: %s", i, wrong).isIn(401, 429);
    }
    double refusedBefore = refused("hash");
    Runnable release = b.app().admissions().hash().holdAll();
    try {
      Response again = b.http.sendWithHeader("POST", "/v1/sessions", "X-Forwarded-For", guesser,
          new JsonObject().put("username", "lena").put("password", AccessFixture.PASSWORD).encode());
      // answered from memory on the event loop: the full lane was never asked
      assertThat(again.status()).as("the guessing address: %s", again).isEqualTo(429);
      assertThat(again.header("Retry-After")).isNotBlank();
      assertThat(refused("hash")).isEqualTo(refusedBefore);
    } finally {
      release.run();
    }
  }

  /**
   * /v1/me never goes back to PostgreSQL for a grant change. With the users table locked by another
   * transaction (PostgreSQL cannot read the account: a saturated PostgreSQL is the same to the caller), B
   * answers /v1/me, read once before, with a grant made on A and applied by B's index since, counted as
   * rebuilt in memory. Before, every grant or revoke of the user sent its next /v1/me to PostgreSQL, which
   * would have answered only after the lock was released (after this test's request had failed). A change
   * of the account's own row is still read from PostgreSQL: the new display name shows once the lock is gone.
   * A role edit is rebuilt from the index too (the account is read again only after its row or a department
   * changed).
   */
  @Test
  void meAfterAGrantChange_isRebuiltFromTheIndex_whilePostgresCannotReadTheAccount() throws Exception {
    long mila = fx.user("mila", "CS");
    String token = fx.login("mila");
    Response first = b.http.get("/v1/me", token);
    assertThat(first.status()).as("first /v1/me on B: %s", first).isEqualTo(200);
    assertThat(first.json().getJsonArray("grants")).isEmpty();
    JsonObject granted = fx.grant(fx.adminToken(), mila, "teaching_assistant", "offering:CS101/2026-fall");
    long revision = granted.getLong("revision");
    double rebuiltBefore = Scrape.of(b).sum("provost_cache_gets_total", "cache", "me", "result", "rebuilt");
    // B has applied the grant before the lock: its index reads users too
    assertThat(b.http.get("/v1/check?subject=mila&permission=grades.write&resource=offering:CS101/2026-fall"
        + "&at_least_revision=" + revision, adminToken).json().getBoolean("allowed")).isTrue();
    Response me = meWithUsersLocked(token, revision);
    assertThat(me.status()).as("/v1/me with users locked: %s", me).isEqualTo(200);
    JsonObject body = me.json();
    assertThat(body.getJsonObject("user").getString("username")).isEqualTo("mila");
    assertThat(body.getJsonArray("grants").getJsonObject(0).getLong("id")).isEqualTo(granted.getLong("id"));
    assertThat(body.getJsonArray("grants").getJsonObject(0).getString("scope")).isEqualTo("offering:CS101/2026-fall");
    assertThat(body.getJsonArray("permissions").stream().map(p -> ((JsonObject) p).getString("permission")))
        .contains("grades.write");
    assertThat(body.getLong("revision")).isGreaterThanOrEqualTo(revision);
    assertThat(Scrape.of(b).sum("provost_cache_gets_total", "cache", "me", "result", "rebuilt"))
        .isEqualTo(rebuiltBefore + 1);
    Response renamed = a.http.patch("/v1/users/" + mila, fx.adminToken(), new JsonObject().put("display_name", "Mila R."));
    assertThat(renamed.status()).as("rename: %s", renamed).isEqualTo(200);
    Response after = b.http.get("/v1/me?at_least_revision=" + renamed.json().getLong("revision"), token);
    assertThat(after.json().getJsonObject("user").getString("display_name")).isEqualTo("Mila R.");
    assertThat(after.json().getJsonArray("grants")).hasSize(1);

    // a role's new permission: also rebuilt from the index, with users locked again
    Response role = a.http.post("/v1/roles", fx.adminToken(), new JsonObject().put("name", "lane_probe")
        .put("permissions", new JsonArray().add("roster.read")));
    assertThat(role.status()).as("role: %s", role).isEqualTo(201);
    fx.grant(fx.adminToken(), mila, "lane_probe", "department:CS");
    Response edited = a.http.patch("/v1/roles/lane_probe", fx.adminToken(), new JsonObject().put("permissions",
        new JsonArray().add("roster.read").add("grades.read")));
    assertThat(edited.status()).as("role edit: %s", edited).isEqualTo(200);
    long roleRevision = edited.json().getLong("revision");
    assertThat(b.http.get("/v1/check?subject=mila&permission=grades.read&resource=department:CS"
        + "&at_least_revision=" + roleRevision, adminToken).json().getBoolean("allowed")).isTrue();
    Response afterEdit = meWithUsersLocked(token, roleRevision);
    assertThat(afterEdit.status()).as("/v1/me after a role edit, users locked: %s", afterEdit).isEqualTo(200);
    assertThat(afterEdit.json().getJsonArray("permissions")).contains(
        new JsonObject().put("permission", "grades.read").put("scope", "department:CS"));
  }

  /** B's /v1/me at {@code atLeast} or later, asked while another transaction holds {@code users} locked. */
  private static Response meWithUsersLocked(String token, long atLeast) throws Exception {
    // the session must be in B's memory first: looking a token up reads users too, and that lookup is not
    // what this test is about. B drops a user's sessions when it applies a change of the user's row (the
    // rename above), and a request whose principal was resolved before its at_least_revision was applied
    // resolves it again, from PostgreSQL, once the token is gone from memory. A request of the token's own,
    // answered from memory and leaving /v1/me's cache alone, loads it again before the lock
    Response warm = b.http.get("/v1/check?subject=mila&permission=grades.read&resource=department:CS", token);
    assertThat(warm.status()).as("the session, before the lock: %s", warm).isIn(200, 403);
    HikariDataSource pool = (HikariDataSource) a.app().database().primary();
    try (Connection lock = pool.getConnection()) {
      lock.setAutoCommit(false);
      try (var st = lock.createStatement()) {
        st.execute("LOCK TABLE users IN ACCESS EXCLUSIVE MODE");
      }
      Response me = b.http.get("/v1/me?at_least_revision=" + atLeast, token);
      lock.rollback();
      return me;
    }
  }

  private static double refused(String lane) {
    return Scrape.of(b).sum("provost_admission_refused_total", "lane", lane);
  }
}
