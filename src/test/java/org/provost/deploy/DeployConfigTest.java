package org.provost.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.provost.testing.AccessFixture;
import org.provost.testing.Scrape;
import org.provost.testing.TestServer;

/**
 * The Grafana dashboard and the Prometheus alert rules under deploy/ query only series that Provost
 * serves: every metric name in every PromQL expression must be on {@code /metrics} after ordinary
 * traffic. ({@code up} is Prometheus' own series and is the one name exempt.)
 */
class DeployConfigTest {
  static final Path DASHBOARD = Path.of("deploy/grafana/provost-dashboard.json");
  static final Path ALERTS = Path.of("deploy/prometheus/alerts.yml");
  static final Set<String> PROMETHEUS_OWN = Set.of("up");
  static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
      "and", "or", "unless", "bool", "offset", "inf", "nan");
  static TestServer server;
  static String redisPrefix = org.provost.testing.TestRedis.prefix();

  @BeforeAll
  static void start() {
    // with Redis configured, so its series exist (they do even while Redis is down: then it reports 0)
    server = TestServer.start(java.util.Map.of("PROVOST_REDIS_URL", org.provost.testing.TestRedis.URL,
        "PROVOST_REDIS_KEY_PREFIX", redisPrefix));
  }

  @AfterAll
  static void stop() {
    if (server != null) server.close();
    org.provost.redis.Redis redis = org.provost.redis.Redis.start(org.provost.testing.TestRedis.URL, redisPrefix,
        r -> { });
    if (org.provost.testing.TestRedis.awaitAvailable(redis, 5_000)) org.provost.testing.TestRedis.deleteKeys(redis);
    redis.close();
  }

  @Test
  void everySeriesTheDashboardAndTheAlertsQuery_existsOnMetrics() throws Exception {
    List<String> expressions = new ArrayList<>(dashboardExpressions());
    int fromDashboard = expressions.size();
    expressions.addAll(alertExpressions());
    assertThat(fromDashboard).as("dashboard expressions").isGreaterThan(20);
    assertThat(expressions.size() - fromDashboard).as("alert expressions").isGreaterThanOrEqualTo(8);
    Set<String> names = new TreeSet<>();
    for (String e : expressions) names.addAll(metricNames(e));
    names.removeAll(PROMETHEUS_OWN);
    assertThat(names).contains("provost_authz_lag_seconds", "hikaricp_connections_pending",
        "provost_http_requests_seconds_bucket", "provost_ready");

    traffic();
    Scrape scrape = eventually(names);
    assertThat(scrape.names()).containsAll(names);
  }

  @Test
  void metricNames_areFoundInPromQl() {
    assertThat(metricNames("histogram_quantile(0.99, sum by (route, le) (rate(a_bucket{route=\"/v1/check\"}[5m])))"))
        .containsExactly("a_bucket");
    assertThat(metricNames("x > 0 and y{pool=~\"p.*\"} >= z offset 5m or up{job=\"provost\"} == 0"))
        .containsExactlyInAnyOrder("x", "y", "z", "up");
    assertThat(metricNames("label_values(provost_ready, instance)")).containsExactly("provost_ready");
  }

  /** Logins, a user, a grant, a check, /v1/me: enough for every series to have a sample. */
  private static void traffic() {
    AccessFixture fixture = new AccessFixture(server).directory();
    long user = fixture.user("dash", "CS");
    fixture.grant(fixture.adminToken(), user, "teaching_assistant", "offering:CS101/2026-fall");
    fixture.check(user, "grades.write", "offering:CS101/2026-fall");
    server.http.get("/v1/me", fixture.login("dash"));
    System.gc(); // jvm_gc_pause_seconds has samples only once a collection ran
  }

  private static Scrape eventually(Set<String> names) throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    Scrape s = Scrape.of(server);
    while (!s.names().containsAll(names) && System.nanoTime() < deadline) {
      Thread.sleep(100);
      s = Scrape.of(server);
    }
    return s;
  }

  static List<String> dashboardExpressions() throws IOException {
    JsonObject dashboard = new JsonObject(Files.readString(DASHBOARD));
    List<String> out = new ArrayList<>();
    for (Object p : dashboard.getJsonArray("panels")) {
      JsonArray targets = ((JsonObject) p).getJsonArray("targets", new JsonArray());
      for (Object t : targets) out.add(((JsonObject) t).getString("expr"));
    }
    for (Object v : dashboard.getJsonObject("templating").getJsonArray("list")) {
      JsonObject variable = (JsonObject) v;
      if ("query".equals(variable.getString("type"))) out.add(variable.getString("query"));
    }
    return out;
  }

  /** Each rule's {@code expr:}, one line each (the file keeps them so). */
  static List<String> alertExpressions() throws IOException {
    List<String> out = new ArrayList<>();
    for (String line : Files.readAllLines(ALERTS)) {
      String t = line.trim();
      if (t.startsWith("expr:")) out.add(t.substring(5).trim());
    }
    return out;
  }

  private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)");
  private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

  /** The metric names a PromQL expression reads: identifiers outside labels, ranges and groupings that are not calls. */
  static Set<String> metricNames(String expr) {
    Set<String> out = new TreeSet<>();
    Matcher lv = LABEL_VALUES.matcher(expr);
    if (lv.find()) {
      out.add(lv.group(1));
      return out;
    }
    String s = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
        .replaceAll("\\{[^}]*}", " ")
        .replaceAll("\\[[^]]*]", " ")
        .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
        .replaceAll("\\boffset\\s+\\w+", " ");
    Matcher m = IDENTIFIER.matcher(s);
    while (m.find()) {
      int end = m.end();
      while (end < s.length() && s.charAt(end) == ' ') end++;
      boolean call = end < s.length() && s.charAt(end) == '(';
      boolean number = m.start() > 0 && Character.isDigit(s.charAt(m.start() - 1));
      if (!call && !number && !KEYWORDS.contains(m.group().toLowerCase())) out.add(m.group());
    }
    return out;
  }
}
