package org.provost.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.provost.testing.Http;
import org.provost.testing.TestDatabases;
import org.provost.testing.TestServer;

/**
 * The admin console in a real browser: console/test/browser.test.mjs (Playwright, from npm
 * playwright-core) drives Debian's headless Chromium against this class's real Provost and PostgreSQL,
 * which it fills through the API first. Each scenario of the script is one test here: the registrar's
 * grant-check-revoke flow, what a department admin can see and press, an import with a bad row, an access
 * review at a past instant against the API (skipped while that API is absent), axe-core on every page, and
 * no Content-Security-Policy violation anywhere. Screenshots land in target/console-screenshots/.
 *
 * <p>Skipped, with the reason, when node, Chromium or the console's npm packages are missing (failed
 * instead under PROVOST_TEST_REQUIRE_ALL=true, as in CI).
 */
class ConsoleBrowserTest {
  /** The script's scenarios, in its order: each must report a result. */
  private static final List<String> SCENARIOS = List.of("login-and-session-cookie", "registrar-grants-ta-and-revokes",
      "department-admin-sees-only-what-they-may-do", "import-with-bad-row-changes-nothing",
      "access-review-at-a-past-instant-matches-the-api", "every-page-signed-in-as-admin",
      "accessibility-axe-no-serious-violations", "content-security-policy-no-violations");
  private static final Path CONSOLE = Path.of("console").toAbsolutePath();
  private static final String PASSWORD = "console-test-password-1";

  private static TestServer server;
  private static final Map<String, String[]> results = new LinkedHashMap<>();
  private static final StringBuilder output = new StringBuilder();
  private static int exitCode;

  @BeforeAll
  static void runTheBrowser() throws Exception {
    String chromium = System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium");
    if (!Files.isExecutable(Path.of(chromium))) TestDatabases.unavailable("Chromium is not installed at " + chromium + " (apt-get install chromium)");
    if (!onPath("node")) TestDatabases.unavailable("node is not installed (apt-get install nodejs)");
    if (!Files.isDirectory(CONSOLE.resolve("node_modules/playwright-core"))) {
      TestDatabases.unavailable("the console's npm packages are not installed (bin/build-console runs npm ci; skipped with -Dconsole.skip)");
    }
    if (ConsoleRoutes.class.getResource("/admin-console/index.html") == null) {
      TestDatabases.unavailable("the console was not built into target/classes (-Dconsole.skip=true?)");
    }
    server = TestServer.start();
    JsonObject fixture = fill(server);
    ProcessBuilder pb = new ProcessBuilder("node", "test/browser.test.mjs").directory(CONSOLE.toFile()).redirectErrorStream(true);
    pb.environment().put("PROVOST_URL", "http://127.0.0.1:" + server.app().port());
    pb.environment().put("PROVOST_CONSOLE_FIXTURE", fixture.encode());
    pb.environment().put("PROVOST_SCREENSHOTS", Path.of("target/console-screenshots").toAbsolutePath().toString());
    pb.environment().put("CHROMIUM", chromium);
    Process node = pb.start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = out.readLine()) != null; ) {
        System.out.println("browser: " + line);
        output.append(line).append('\n');
        if (line.startsWith("RESULT ")) {
          String[] parts = line.split(" ", 4);
          results.put(parts[1], new String[] {parts[2], parts.length > 3 ? parts[3] : ""});
        }
      }
    }
    if (!node.waitFor(15, TimeUnit.MINUTES)) {
      node.destroyForcibly();
      throw new AssertionError("the browser tests did not finish in 15 minutes:\n" + output);
    }
    exitCode = node.exitValue();
  }

  @AfterAll
  static void stop() {
    if (server != null) server.close();
  }

  @TestFactory
  Stream<DynamicTest> scenarios() {
    List<DynamicTest> tests = new ArrayList<>();
    for (String name : SCENARIOS) {
      tests.add(DynamicTest.dynamicTest(name, () -> {
        String[] result = results.get(name);
        assertThat(result).as("scenario %s reported no result; the script said:\n%s", name, output).isNotNull();
        if (result[0].equals("SKIP")) Assumptions.abort(result[1]);
        assertThat(result[0]).as("%s: %s", name, result[1]).isEqualTo("PASS");
      }));
    }
    tests.add(DynamicTest.dynamicTest("the script exits 0 exactly when every scenario passed or skipped", () ->
        assertThat(exitCode).as(output.toString()).isEqualTo(results.values().stream().anyMatch(r -> r[0].equals("FAIL")) ? 1 : 0)));
    return tests.stream();
  }

  /**
   * Through the API, as the bootstrap admin: schools ENG and SCI with departments CS and MATH, courses CS101
   * and MATH101, a term around today with an offering of each, and the people the scenarios sign in as.
   */
  private static JsonObject fill(TestServer server) {
    Http http = server.http;
    String admin = server.adminToken();
    post(http, admin, "/v1/departments", new JsonObject().put("code", "ENG").put("name", "School of Engineering"));
    post(http, admin, "/v1/departments", new JsonObject().put("code", "SCI").put("name", "School of Science"));
    post(http, admin, "/v1/departments", new JsonObject().put("code", "CS").put("name", "Computer Science").put("parent", "ENG"));
    post(http, admin, "/v1/departments", new JsonObject().put("code", "MATH").put("name", "Mathematics").put("parent", "SCI"));
    post(http, admin, "/v1/courses", new JsonObject().put("code", "CS101").put("title", "Programming").put("department", "CS"));
    post(http, admin, "/v1/courses", new JsonObject().put("code", "MATH101").put("title", "Calculus").put("department", "MATH"));
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    JsonObject term = new JsonObject().put("code", today.getYear() + "-now").put("name", "Current term " + today.getYear())
        .put("starts_on", today.minusDays(30).toString()).put("ends_on", today.plusDays(60).toString());
    post(http, admin, "/v1/terms", term);
    for (String course : List.of("CS101", "MATH101")) {
      post(http, admin, "/v1/offerings", new JsonObject().put("course", course).put("term", term.getString("code")));
    }
    JsonObject registrar = person(http, admin, "registrar1", "staff", null, "Rita Registrar");
    JsonObject deptAdmin = person(http, admin, "cs.admin", "staff", "CS", "Chen Admin");
    JsonObject student = person(http, admin, "ana.student", "student", "CS", "Ana Student");
    JsonObject mathStudent = person(http, admin, "mo.student", "student", "MATH", "Mo Student");
    JsonObject colleague = person(http, admin, "cs.colleague", "staff", "CS", "Casey Colleague");
    for (int i = 1; i <= 3; i++) person(http, admin, "cs.student" + i, "student", "CS", "CS Student " + i);
    grant(http, admin, registrar, "registrar", "global");
    // the registrar's office also runs the School of Engineering, so it may hand out its teaching roles
    grant(http, admin, registrar, "department_admin", "department:ENG");
    grant(http, admin, deptAdmin, "department_admin", "department:CS");
    grant(http, admin, colleague, "registrar", "global");
    // (not ana.student: a global student grant carries permissions no department admin holds globally, and
    // domination then keeps the CS admin from acting on her at all, docs/SECURITY.md)
    grant(http, admin, mathStudent, "student", "global");
    return new JsonObject().put("adminToken", admin).put("term", term)
        .put("admin", new JsonObject().put("username", "admin").put("password", TestServer.ADMIN_PASSWORD))
        .put("registrar", registrar).put("deptAdmin", deptAdmin).put("student", student)
        .put("mathStudent", mathStudent).put("csColleague", colleague);
  }

  private static JsonObject person(Http http, String admin, String username, String type, String department, String name) {
    JsonObject body = new JsonObject().put("username", username).put("email", username + "@uni.test").put("type", type)
        .put("display_name", name).put("password", PASSWORD).put("verified", true);
    if (department != null) body.put("department", department);
    JsonObject created = post(http, admin, "/v1/users", body);
    return new JsonObject().put("id", created.getLong("id")).put("username", username).put("password", PASSWORD);
  }

  private static void grant(Http http, String admin, JsonObject user, String role, String scope) {
    post(http, admin, "/v1/users/" + user.getLong("id") + "/grants", new JsonObject().put("role", role).put("scope", scope)
        .put("reason", "console test fixture"));
  }

  private static JsonObject post(Http http, String token, String path, JsonObject body) {
    Http.Response r = http.post(path, token, body);
    if (r.status() != 201) throw new IllegalStateException("fixture: POST " + path + " " + body + " answered " + r);
    return r.json();
  }

  private static boolean onPath(String command) {
    try {
      return new ProcessBuilder(command, "--version").redirectErrorStream(true).start().waitFor(30, TimeUnit.SECONDS);
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
