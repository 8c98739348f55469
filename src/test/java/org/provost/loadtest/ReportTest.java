package org.provost.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {
  private static final long MS = 1_000_000;

  /** 3 seconds at 100 req/s: checks of 1..100 ms each second; grants all answered 404. */
  private static Report sample() {
    Plan plan = new Plan(URI.create("http://127.0.0.1:8080"), 100, 3, 0, Connections.each(8), Mix.parse("check=80,grant=20"), 10,
        "admin", "pw", "pw", "/", Duration.ofSeconds(5), "teaching_assistant", null).check();
    Stats stats = new Stats();
    List<Report.Second> timeline = new ArrayList<>();
    for (int second = 1; second <= 3; second++) {
      for (int i = 1; i <= 80; i++) stats.record(Endpoint.CHECK, i * MS * second, 200);
      for (int i = 1; i <= 20; i++) stats.record(Endpoint.GRANT, 2 * MS, 404);
      timeline.add(Report.Second.of(second, START_MILLIS + second * 1_000L, stats.sample()));
    }
    org.HdrHistogram.Histogram lag = new org.HdrHistogram.Histogram(3);
    lag.recordValue(150);
    return Report.of(plan, stats, timeline, 3.0, START_MILLIS, lag);
  }

  private static final long START_MILLIS = 1_800_000_000_000L;

  /**
   * 2 seconds at 100 req/s of check=79,me=20,list=1: per second 79 checks of 1 ms, 20 /v1/me of 50 ms (one a
   * 503) and 1 listing of 900 ms.
   */
  private static Report classes() {
    Plan plan = new Plan(URI.create("http://127.0.0.1:8080"), 100, 2, 0, Connections.parse("memory=8,sql=2"),
        Mix.parse("check=79,me=20,list=1"), 10, "admin", "pw", "pw", "/", Duration.ofSeconds(5),
        "teaching_assistant", null).check();
    Stats stats = new Stats();
    List<Report.Second> timeline = new ArrayList<>();
    for (int second = 1; second <= 2; second++) {
      for (int i = 0; i < 79; i++) stats.record(Endpoint.CHECK, MS, 200);
      for (int i = 0; i < 20; i++) stats.record(Endpoint.ME, 50 * MS, i == 0 ? 503 : 200);
      stats.record(Endpoint.LIST, 900 * MS, 200);
      timeline.add(Report.Second.of(second, START_MILLIS + second * 1_000L, stats.sample()));
    }
    return Report.of(plan, stats, timeline, 2.0, START_MILLIS, new org.HdrHistogram.Histogram(3));
  }

  @Test
  void classes_mergeTheLatenciesOfTheirEndpoints_notTheirPercentiles() {
    Report r = classes();
    assertThat(r.classes()).extracting(Report.Row::endpoint).containsExactly("memory", "sql");
    Report.Row memory = r.classes().getFirst();
    assertThat(memory.count()).isEqualTo(198);
    assertThat(memory.errors()).containsExactly(Map.entry("me.status_503", 2L));
    // 40 of 198 took 50 ms: the class's p99 is theirs, while its p50 is a check's
    assertThat(memory.p99Ms()).isBetween(49.0, 51.0);
    assertThat(memory.p50Ms()).isBetween(0.9, 1.1);
    assertThat(memory.targetRate()).isEqualTo(99.0);
    assertThat(r.classes().get(1).maxMs()).isBetween(899.0, 901.0);
    assertThat(r.connections()).containsExactly(Map.entry("memory", 8), Map.entry("sql", 2));

    JsonObject json = new JsonObject(ReportFiles.json(r));
    assertThat(json.getInteger("connections")).isEqualTo(10);
    assertThat(json.getJsonObject("connections_by_class").getInteger("sql")).isEqualTo(2);
    assertThat(json.getLong("measured_start_unix_ms")).isEqualTo(START_MILLIS);
    assertThat(json.getJsonArray("classes").getJsonObject(1).getString("endpoint")).isEqualTo("sql");
    JsonObject second = json.getJsonArray("timeline").getJsonObject(1);
    assertThat(second.getLong("end_unix_ms")).isEqualTo(START_MILLIS + 2_000);
    JsonObject memorySecond = second.getJsonObject("classes").getJsonObject("memory");
    assertThat(memorySecond.getLong("count")).isEqualTo(99);
    assertThat(memorySecond.getLong("errors")).isEqualTo(1);
    assertThat(memorySecond.getDouble("p99_ms")).isBetween(49.0, 51.0);
  }

  @Test
  void timelineCsv_hasALinePerSecondAndClass_thenPerSecondAndEndpoint() {
    String[] lines = ReportFiles.timeline(classes()).split("\n");
    assertThat(lines[0]).isEqualTo("second,end_unix_ms,scope,name,count,errors,p50_ms,p99_ms,max_ms");
    assertThat(lines).hasSize(1 + 2 * (2 + 3));
    assertThat(lines[1]).startsWith("1," + (START_MILLIS + 1_000) + ",class,memory,99,1,1.000,50.");
    assertThat(lines[2]).startsWith("1," + (START_MILLIS + 1_000) + ",class,sql,1,0,");
    assertThat(lines[3]).startsWith("1," + (START_MILLIS + 1_000) + ",endpoint,check,79,0,1.000,1.000,1.000");
    assertThat(lines[6]).startsWith("2," + (START_MILLIS + 2_000) + ",class,memory,99,1,");
  }

  @Test
  void json_hasEveryFieldOfTheTable_perEndpointAndOverall() {
    JsonObject json = new JsonObject(ReportFiles.json(sample()));
    assertThat(json.getInteger("target_rate")).isEqualTo(100);
    assertThat(json.getString("mix")).isEqualTo("check=80,grant=20");
    JsonObject check = json.getJsonArray("endpoints").getJsonObject(0);
    assertThat(check.getString("endpoint")).isEqualTo("check");
    assertThat(check.getLong("count")).isEqualTo(240);
    assertThat(check.getLong("ok")).isEqualTo(240);
    assertThat(check.getDouble("success_rate")).isEqualTo(1.0);
    assertThat(check.getJsonObject("latency_ms").fieldNames())
        .containsExactlyInAnyOrder("avg", "p50", "p90", "p99", "p99_9", "max");
    assertThat(check.getJsonObject("latency_ms").getDouble("max")).isBetween(239.0, 241.0);
    assertThat(check.getJsonObject("rate").getDouble("target")).isEqualTo(80.0);
    assertThat(check.getJsonObject("rate").getDouble("achieved")).isEqualTo(80.0);
    JsonObject grant = json.getJsonArray("endpoints").getJsonObject(1);
    assertThat(grant.getLong("errors")).isEqualTo(60);
    assertThat(grant.getJsonObject("errors_by_kind").getLong("status_404")).isEqualTo(60);
    assertThat(json.getJsonArray("endpoints").getJsonObject(2).getString("endpoint")).isEqualTo("revoke");
    JsonObject overall = json.getJsonObject("overall");
    assertThat(overall.getLong("count")).isEqualTo(300);
    assertThat(overall.getDouble("success_rate")).isEqualTo(0.8);
    assertThat(overall.getJsonObject("errors_by_kind").getLong("grant.status_404")).isEqualTo(60);
    assertThat(json.getJsonObject("generator_lag_ms").getDouble("max")).isBetween(0.149, 0.151);
    JsonObject second = json.getJsonArray("timeline").getJsonObject(2);
    assertThat(second.getInteger("second")).isEqualTo(3);
    assertThat(second.getJsonObject("endpoints").getJsonObject("grant").getLong("errors")).isEqualTo(20);
  }

  @Test
  void table_namesTheErrorsAndTheOverallLine() {
    String table = ReportFiles.table(sample());
    assertThat(table).contains("endpoint", "p99.9", "check", "grant", "revoke");
    assertThat(table).contains("errors grant: status_404 x60");
    assertThat(table).contains("overall: 300 requests, 60 errors (80.000% success)");
    assertThat(table).contains("load generator: released requests within 0.15 ms of schedule (p99)")
        .doesNotContain("WARNING");
  }

  @Test
  void plot_isASelfContainedHtmlFileOrAnSvg(@TempDir Path dir) throws Exception {
    Report report = sample();
    Path html = dir.resolve("latency.html");
    Files.writeString(html, ReportFiles.plot(report, html.getFileName().toString()));
    String page = Files.readString(html);
    assertThat(page).startsWith("<!doctype html>").contains("<svg", "p99", "GET /v1/check", "status_404 x60");
    assertThat(page).doesNotContain("<script", "http://www.w3.org/1999/xhtml\" src", "<link");
    assertThat(page.split("<polyline", -1)).hasSize(1 + 3 * 3);

    Path svg = dir.resolve("latency.svg");
    Files.writeString(svg, ReportFiles.plot(report, "latency.svg"));
    assertThat(Files.readString(svg)).startsWith("<svg").endsWith("</svg>\n").doesNotContain("<html");
  }
}
