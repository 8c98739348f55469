package org.provost.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.provost.testing.AccessFixture;
import org.provost.testing.Http.Response;
import org.provost.testing.ProvostServer;
import org.provost.testing.TestServer;

/**
 * No input reaches PostgreSQL that it will reject (issue 8 item 3), as one table: every route the API
 * registers ({@link Api#routes()}), every field the OpenAPI document gives it (query and path parameters,
 * body properties, array items, CSV columns), and each hostile value for that kind of field. Each must answer
 * 400 naming the field; a route without a valid baseline request here fails the test, so new routes join it.
 */
class HostileInputTest {
  @RegisterExtension
  static final ProvostServer server = ProvostServer.builder().directory().build();
  static final AccessFixture fx = server.fixture();
  static long userId;
  static long clientId;
  static long grantId;
  static final String NUL = "a\u0000b";
  static final List<String> TEXT = List.of(NUL, "\ud800", "x\udc00y");
  static final List<String> PARAMETER_TEXT = List.of(NUL, "\u0000");
  static final List<String> TIMESTAMPS = List.of("+294277-01-01T00:00:00Z", "-4714-11-23T00:00:00Z",
      "+10000-01-01T00:00:00Z", "0000-12-31T23:59:59Z");
  static final List<String> DATES = List.of("+294277-01-01", "-4714-11-23", "+10000-01-01", "0000-12-31");
  static final Set<String> NO_FIELDS = Set.of("GET /health/live", "GET /health/ready", "GET /metrics",
      "GET /openapi.json", "GET /v1/me", "DELETE /v1/sessions/current", "GET /v1/roles", "GET /v1/permissions",
      "GET /v1/clients");


  /** A valid request for one route: the concrete path (parameters filled in) and body. */
  record Baseline(String path, JsonObject body) {}

  static final Map<String, Baseline> BASELINES = new LinkedHashMap<>();

  @BeforeAll
  static void seed() {
    userId = fx.user("hostile_target", "CS");
    clientId = server.http.post("/v1/clients", server.admin(), new JsonObject().put("name", "hostile-client")).json()
        .getLong("id");
    grantId = fx.grant(server.admin(), userId, "instructor", "course:CS101").getLong("id");
    assertThat(server.http.post("/v1/roles", server.admin(), new JsonObject().put("name", "hostile_role")
        .put("permissions", new JsonArray().add("users.read"))).status()).isEqualTo(201);
    JsonObject newUser = new JsonObject().put("username", "fresh").put("email", "fresh@uni.example")
        .put("type", "student").put("password", "a-good-password").put("display_name", "F").put("department", "CS")
        .put("external_id", "E-1").put("active", true).put("verified", false);
    base("GET /v1/audit", "/v1/audit", null);
    base("GET /v1/check", "/v1/check?subject=hostile_target&permission=users.read&resource=global", null);
    base("GET /v1/check/explain", "/v1/check/explain?subject=hostile_target&permission=users.read", null);
    base("POST /v1/check/batch", "/v1/check/batch", new JsonObject().put("checks", new JsonArray().add(
        new JsonObject().put("subject", "hostile_target").put("permission", "users.read").put("resource", "global"))));
    base("POST /v1/clients", "/v1/clients", new JsonObject().put("name", "another-client")
        .put("permissions", new JsonArray().add("authz.check")));
    base("DELETE /v1/clients/{id}", "/v1/clients/" + clientId, null);
    base("GET /v1/departments", "/v1/departments", null);
    base("POST /v1/departments", "/v1/departments", new JsonObject().put("code", "NEWD").put("name", "N")
        .put("parent", "SCI"));
    base("GET /v1/departments/{code}", "/v1/departments/CS", null);
    base("PATCH /v1/departments/{code}", "/v1/departments/MATH", new JsonObject().put("name", "M").put("parent", "SCI"));
    base("DELETE /v1/departments/{code}", "/v1/departments/MATH", null);
    base("GET /v1/courses", "/v1/courses", null);
    base("POST /v1/courses", "/v1/courses", new JsonObject().put("code", "NEW1").put("title", "T").put("department", "CS"));
    base("GET /v1/courses/{code}", "/v1/courses/CS101", null);
    base("PATCH /v1/courses/{code}", "/v1/courses/CS202", new JsonObject().put("title", "T").put("department", "CS"));
    base("DELETE /v1/courses/{code}", "/v1/courses/CS202", null);
    base("GET /v1/terms", "/v1/terms", null);
    base("POST /v1/terms", "/v1/terms", new JsonObject().put("code", "2027-spring").put("name", "S")
        .put("starts_on", "2027-01-10").put("ends_on", "2027-05-10"));
    base("GET /v1/terms/{code}", "/v1/terms/2026-fall", null);
    base("PATCH /v1/terms/{code}", "/v1/terms/2026-fall", new JsonObject().put("name", "F")
        .put("starts_on", "2026-09-01").put("ends_on", "2026-12-20"));
    base("DELETE /v1/terms/{code}", "/v1/terms/2026-fall", null);
    base("GET /v1/offerings", "/v1/offerings", null);
    base("POST /v1/offerings", "/v1/offerings", new JsonObject().put("course", "CS101").put("term", "2026-fall")
        .put("capacity", 10));
    base("GET /v1/offerings/{course}/{term}", "/v1/offerings/CS101/2026-fall", null);
    base("PATCH /v1/offerings/{course}/{term}", "/v1/offerings/CS101/2026-fall", new JsonObject().put("capacity", 5));
    base("DELETE /v1/offerings/{course}/{term}", "/v1/offerings/CS101/2026-fall", null);
    base("GET /v1/access-review", "/v1/access-review?permission=users.read&resource=department:CS"
        + "&at=2026-10-15T12:00:00Z&limit=10&after=0", null);
    base("GET /v1/users/{id}/access", "/v1/users/" + userId + "/access?at=2026-10-15T12:00:00Z", null);
    base("GET /v1/users/{id}/grants", "/v1/users/" + userId + "/grants", null);
    base("POST /v1/users/{id}/grants", "/v1/users/" + userId + "/grants", new JsonObject().put("role", "instructor")
        .put("scope", "course:CS202").put("valid_from", "2030-01-01T00:00:00Z")
        .put("valid_until", "2030-06-01T00:00:00Z").put("reason", "r"));
    base("DELETE /v1/grants/{id}", "/v1/grants/" + grantId, null);
    base("POST /v1/imports", "/v1/imports?snapshot=false", null);
    base("POST /v1/permissions", "/v1/permissions", new JsonObject().put("name", "hostile.perm")
        .put("description", "d"));
    base("POST /v1/roles", "/v1/roles", new JsonObject().put("name", "hostile_new").put("description", "d")
        .put("permissions", new JsonArray().add("users.read")).put("includes", new JsonArray().add("hostile_role")));
    base("GET /v1/roles/{name}", "/v1/roles/hostile_role", null);
    base("PATCH /v1/roles/{name}", "/v1/roles/hostile_role", new JsonObject().put("description", "d")
        .put("permissions", new JsonArray().add("users.read")));
    base("DELETE /v1/roles/{name}", "/v1/roles/hostile_role", null);
    base("POST /v1/sessions", "/v1/sessions", new JsonObject().put("username", "hostile_target")
        .put("password", AccessFixture.PASSWORD));
    base("GET /v1/users", "/v1/users", null);
    base("GET /v1/users/changes", "/v1/users/changes?after=0", null);
    base("POST /v1/users", "/v1/users", newUser);
    base("GET /v1/users/{id}", "/v1/users/" + userId, null);
    base("PATCH /v1/users/{id}", "/v1/users/" + userId, new JsonObject().put("display_name", "D"));
    base("DELETE /v1/users/{id}", "/v1/users/" + userId, null);
    base("GET /v1/users/{id}/sessions", "/v1/users/" + userId + "/sessions", null);
    base("DELETE /v1/users/{id}/sessions", "/v1/users/" + userId + "/sessions", null);
    base("DELETE /v1/users/{id}/sessions/{session_id}", "/v1/users/" + userId + "/sessions/999999999", null);
    base("POST /v1/me/password", "/v1/me/password", new JsonObject().put("current_password", TestServer.ADMIN_PASSWORD)
        .put("new_password", "another-admin-password-1"));
    base("POST /v1/clients/{id}/rotate", "/v1/clients/" + clientId + "/rotate", null);
    base("PATCH /v1/clients/{id}", "/v1/clients/" + clientId, new JsonObject().put("owner", "admin"));
  }

  static void base(String route, String path, JsonObject body) {
    BASELINES.put(route, new Baseline(path, body));
  }

  /** One hostile request and the field it must be refused for. */
  record Case(String route, String field, String method, String path, String body, String contentType) {}

  @Test
  void everyHostileValue_inEveryFieldOfEveryRoute_answers400NamingTheField() {
    JsonObject doc = server.http.get("/openapi.json", null).json();
    List<Case> cases = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (Api.RouteSpec spec : server.app().api().routes()) {
      String route = spec.method().name() + " " + spec.path();
      if (NO_FIELDS.contains(route)) continue;
      Baseline b = BASELINES.get(route);
      if (b == null) {
        missing.add(route);
        continue;
      }
      JsonObject pathItem = doc.getJsonObject("paths").getJsonObject(spec.path());
      JsonObject op = pathItem.getJsonObject(spec.method().name().toLowerCase());
      List<JsonObject> parameters = new ArrayList<>();
      pathItem.getJsonArray("parameters", new JsonArray()).forEach(p -> parameters.add((JsonObject) p));
      op.getJsonArray("parameters", new JsonArray()).forEach(p -> parameters.add((JsonObject) p));
      for (JsonObject p : parameters) {
        String name = p.getString("name");
        for (String v : PARAMETER_TEXT) {
          String path = p.getString("in").equals("path") ? withPathParameter(spec.path(), b.path(), name, v)
              : withQuery(b.path(), name, v);
          cases.add(new Case(route, name, spec.method().name(), path, body(route, b), contentType(route)));
        }
      }
      JsonObject content = op.getJsonObject("requestBody", new JsonObject()).getJsonObject("content", new JsonObject());
      JsonObject schema = content.containsKey("application/json")
          ? resolve(doc, content.getJsonObject("application/json").getJsonObject("schema")) : null;
      if (schema != null) {
        schema.getJsonObject("properties", new JsonObject()).forEach(e ->
            bodyCases(cases, route, spec.method().name(), b, e.getKey(), resolve(doc, (JsonObject) e.getValue())));
      }
      if (route.equals("POST /v1/imports")) importCases(cases, route, b);
    }
    assertThat(missing).as("routes without a baseline request in this test").isEmpty();
    // the example of the issue: a window that vanishes at PostgreSQL's microsecond precision
    Baseline grant = BASELINES.get("POST /v1/users/{id}/grants");
    cases.add(new Case("POST /v1/users/{id}/grants", "valid_until", "POST", grant.path(), grant.body().copy()
        .put("valid_from", "2030-01-01T00:00:00.0000001Z").put("valid_until", "2030-01-01T00:00:00.0000002Z")
        .encode(), "application/json"));

    List<String> failures = new ArrayList<>();
    for (Case c : cases) {
      Response r = server.http.send(c.method(), c.path(), server.admin(), c.body(), c.contentType());
      List<String> fields = r.status() == 400 && r.body().startsWith("{") ? AccessFixture.fields(r) : List.of();
      boolean named = fields.stream().anyMatch(f -> f.equals(c.field()) || f.startsWith(c.field() + "[")
          || f.startsWith(c.field() + ".") || f.endsWith("." + c.field()));
      if (r.status() != 400 || !named) {
        failures.add(c.route() + " field " + c.field() + " (" + shown(c.path()) + " " + shown(c.body()) + ") -> " + r.status() + " " + shown(r.body()));
      }
    }
    assertThat(cases).hasSizeGreaterThan(300);
    assertThat(failures).as("of %d hostile requests", cases.size()).isEmpty();
  }

  private static void bodyCases(List<Case> cases, String route, String method, Baseline b, String field,
      JsonObject schema) {
    List<Object> values = new ArrayList<>(TEXT);
    String format = schema.getString("format", "");
    if (format.equals("date-time")) values.addAll(TIMESTAMPS);
    if (format.equals("date")) values.addAll(DATES);
    JsonObject items = schema.getJsonObject("items");
    for (Object v : values) {
      JsonObject body = b.body() == null ? new JsonObject() : b.body().copy();
      if ("array".equals(schema.getValue("type")) && items != null && items.containsKey("properties")) {
        for (String inner : items.getJsonObject("properties").fieldNames()) {
          JsonObject item = body.getJsonArray(field).getJsonObject(0).copy().put(inner, v);
          cases.add(new Case(route, field, method, b.path(), json(body.copy().put(field, new JsonArray().add(item))),
              "application/json"));
        }
        continue;
      }
      body.put(field, "array".equals(schema.getValue("type")) ? new JsonArray().add(v) : v);
      cases.add(new Case(route, field, method, b.path(), json(body), "application/json"));
    }
  }

  /** JSON text with every non-ASCII character escaped, so that a lone surrogate arrives as one. */
  private static String json(JsonObject body) {
    StringBuilder b = new StringBuilder();
    for (char ch : body.encode().toCharArray()) {
      b.append(ch < 0x7f ? String.valueOf(ch) : String.format("\\u%04x", (int) ch));
    }
    return b.toString();
  }

  private static void importCases(List<Case> cases, String route, Baseline b) {
    List<String> columns = org.provost.provisioning.ImportFile.COLUMNS;
    List<String> good = List.of("H-1", "hostile_csv", "hostile_csv@uni.example", "Ann", "Lee", "student", "CS",
        "true", "false");
    for (int i = 0; i < columns.size(); i++) {
      List<String> row = new ArrayList<>(good);
      row.set(i, NUL);
      String csv = String.join(",", columns) + "\n" + String.join(",", row) + "\n";
      cases.add(new Case(route, columns.get(i), "POST", b.path(), csv, "text/csv"));
    }
  }

  private static String body(String route, Baseline b) {
    if (route.equals("POST /v1/imports")) return "external_id,username\nH-2,hostile_two\n";
    return b.body() == null ? null : b.body().encode();
  }

  private static String contentType(String route) {
    return route.equals("POST /v1/imports") ? "text/csv" : "application/json";
  }

  private static JsonObject resolve(JsonObject doc, JsonObject schema) {
    if (schema == null || !schema.containsKey("$ref")) return schema;
    JsonObject at = doc;
    for (String part : schema.getString("$ref").substring(2).split("/")) at = at.getJsonObject(part);
    return at;
  }

  /** {@code path} with parameter {@code name} set to {@code value} (replacing the baseline's). */
  private static String withQuery(String path, String name, String value) {
    int q = path.indexOf('?');
    List<String> kept = new ArrayList<>();
    if (q >= 0) {
      for (String pair : path.substring(q + 1).split("&")) if (!pair.startsWith(name + "=")) kept.add(pair);
    }
    kept.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
    return (q < 0 ? path : path.substring(0, q)) + "?" + String.join("&", kept);
  }

  private static String withPathParameter(String template, String concrete, String name, String value) {
    String[] t = template.split("/");
    String[] c = concrete.split("\\?")[0].split("/");
    for (int i = 0; i < t.length; i++) {
      if (t[i].equals("{" + name + "}")) c[i] = c[i] + URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
    String query = concrete.contains("?") ? concrete.substring(concrete.indexOf('?')) : "";
    return String.join("/", c) + query;
  }

  private static String shown(String s) {
    if (s == null) return "";
    StringBuilder b = new StringBuilder();
    for (char ch : s.toCharArray()) {
      b.append(ch >= ' ' && ch < 0x7f ? String.valueOf(ch) : String.format("\\u%04x", (int) ch));
    }
    String t = b.toString();
    return t.length() > 120 ? t.substring(0, 120) + "..." : t;
  }
}
