package org.provost.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.provost.db.Jdbc;
import org.provost.testing.Http.Response;

/**
 * Test data for the access model on a {@link TestServer}: a small directory written by SQL (departments,
 * courses, a term, offerings), people made through the users API, grants through the grants API, checks
 * through {@code /v1/check}, and a digest of the access tables to prove a refused request wrote nothing.
 */
public final class AccessFixture {
  public static final String PASSWORD = "password-for-tests-1";
  /** Every table a role, permission or grant write may touch, including its audit and changelog rows. */
  public static final List<String> ACCESS_TABLES = List.of("permissions", "roles", "role_permissions",
      "role_includes", "grants", "audit_events", "changelog");

  private final Supplier<String> jdbcUrl;
  private final Http http;
  private final Supplier<String> adminToken;

  /** A fixture on {@code server}, acting as an admin session it logs in now. */
  public AccessFixture(TestServer server) {
    String token = server.adminToken();
    this.jdbcUrl = server::jdbcUrl;
    this.http = server.http;
    this.adminToken = () -> token;
  }

  /**
   * A fixture bound before its server runs ({@link ProvostServer}): the database URL and the admin token are
   * asked for at each use.
   */
  AccessFixture(Supplier<String> jdbcUrl, Http http, Supplier<String> adminToken) {
    this.jdbcUrl = jdbcUrl;
    this.http = http;
    this.adminToken = adminToken;
  }

  /** The admin session this fixture acts as. */
  public String adminToken() {
    return adminToken.get();
  }

  /**
   * School SCI with departments CS and MATH under it; courses CS101, CS202 (CS) and MATH201 (MATH); term
   * 2026-fall; an offering of each course in that term.
   */
  public AccessFixture directory() {
    sql("INSERT INTO departments (code, name) VALUES ('SCI', 'School of Science')");
    sql("""
        INSERT INTO departments (code, name, parent_id)
        SELECT v.code, v.name, d.id FROM (VALUES ('CS', 'Computer Science'), ('MATH', 'Mathematics')) v(code, name)
        CROSS JOIN departments d WHERE d.code = 'SCI'""");
    sql("""
        INSERT INTO courses (code, title, department_id)
        SELECT v.code, v.title, d.id FROM (VALUES ('CS101', 'Programming', 'CS'), ('CS202', 'Systems', 'CS'),
          ('MATH201', 'Linear Algebra', 'MATH')) v(code, title, dept) JOIN departments d ON d.code = v.dept""");
    sql("INSERT INTO terms (code, name, starts_on, ends_on) VALUES ('2026-fall', 'Fall 2026', '2026-09-01', '2026-12-20')");
    sql("INSERT INTO offerings (course_id, term_id) SELECT c.id, t.id FROM courses c CROSS JOIN terms t");
    // written behind the service's back: tell every instance to reload, as a bulk load does
    sql("INSERT INTO changelog (entity, entity_id, op) VALUES ('bulk', 'fixture', 'reload')");
    return this;
  }

  public void sql(String sql, Object... params) {
    try (Connection c = DriverManager.getConnection(jdbcUrl.get())) {
      Jdbc.update(c, sql, params);
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  public long count(String sql, Object... params) {
    try (Connection c = DriverManager.getConnection(jdbcUrl.get())) {
      return Jdbc.returningLong(c, sql, params);
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  /** Every table an account, session or API key write may touch, besides {@link #ACCESS_TABLES}. */
  public static final List<String> ACCOUNT_TABLES = List.of("users", "sessions", "api_clients",
      "api_client_permissions", "departments", "courses");

  /** A digest of every row of each access table: equal digests mean nothing was written. */
  public Map<String, String> snapshot() {
    return snapshot(ACCESS_TABLES);
  }

  /** {@link #snapshot()} of the access and the account tables: nothing at all was written. */
  public Map<String, String> snapshotAll() {
    List<String> all = new java.util.ArrayList<>(ACCESS_TABLES);
    all.addAll(ACCOUNT_TABLES);
    return snapshot(all);
  }

  private Map<String, String> snapshot(List<String> tables) {
    Map<String, String> out = new LinkedHashMap<>();
    try (Connection c = DriverManager.getConnection(jdbcUrl.get())) {
      for (String table : tables) {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) || ':' || md5(coalesce(string_agg(t::text,"
            + " ',' ORDER BY t::text), '')) FROM " + table + " t"); ResultSet rs = ps.executeQuery()) {
          rs.next();
          out.put(table, rs.getString(1));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  /** Creates a person through the users API (department code or null) and returns their id. */
  public long user(String username, String department) {
    Response r = http.post("/v1/users", adminToken(), new JsonObject().put("username", username)
        .put("email", username + "@uni.test").put("type", "faculty").put("department", department)
        .put("password", PASSWORD));
    assertThat(r.status()).as("create user %s: %s", username, r).isEqualTo(201);
    return r.json().getLong("id");
  }

  public String login(String username) {
    return http.login(username, PASSWORD);
  }

  /** An API key made by the holder of {@code token}, with these permissions; returns {id, key}. */
  public JsonObject client(String token, String name, String... permissions) {
    Response r = http.post("/v1/clients", token, new JsonObject().put("name", name)
        .put("permissions", new JsonArray(List.of((Object[]) permissions))));
    assertThat(r.status()).as("create client %s: %s", name, r).isEqualTo(201);
    return r.json();
  }

  /** The id of user {@code username}. */
  public long id(String username) {
    return count("SELECT id FROM users WHERE username = ?", username);
  }

  /** POST /v1/users/{id}/grants with the given token. */
  public Response tryGrant(String token, long userId, String role, String scope) {
    return http.post("/v1/users/" + userId + "/grants", token,
        new JsonObject().put("role", role).put("scope", scope).put("reason", "test"));
  }

  /** Grants as {@code token}, expecting success; returns the grant. */
  public JsonObject grant(String token, long userId, String role, String scope) {
    Response r = tryGrant(token, userId, role, scope);
    assertThat(r.status()).as("grant %s on %s: %s", role, scope, r).isEqualTo(201);
    return r.json();
  }

  /**
   * {@code /v1/check} asked by the admin, at least at the latest committed revision: read-your-writes,
   * as a client does with the revision its write answered.
   */
  public boolean check(Object subject, String permission, String resource) {
    long latest = count("SELECT coalesce(max(revision), 0) FROM changelog");
    Response r = http.get("/v1/check?subject=" + subject + "&permission=" + permission + "&resource="
        + URLEncoder.encode(resource, StandardCharsets.UTF_8) + "&at_least_revision=" + latest, adminToken());
    assertThat(r.status()).as("check: %s", r).isEqualTo(200);
    return r.json().getBoolean("allowed");
  }

  /** The field names of a problem response's errors. */
  public static List<String> fields(Response r) {
    JsonArray errors = r.json().getJsonArray("errors", new JsonArray());
    return errors.stream().map(e -> ((JsonObject) e).getString("field")).toList();
  }
}
