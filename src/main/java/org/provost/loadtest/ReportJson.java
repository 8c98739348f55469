package org.provost.loadtest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The report as JSON ({@code --json}): the table's rows, one per traffic class, and the per-second timeline. */
final class ReportJson {
  private ReportJson() {}

  static JsonObject of(Report r) {
    JsonArray endpoints = new JsonArray();
    r.rows().forEach(row -> endpoints.add(row(row)));
    JsonArray classes = new JsonArray();
    r.classes().forEach(row -> classes.add(row(row)));
    JsonArray timeline = new JsonArray();
    for (Report.Second s : r.timeline()) {
      timeline.add(new JsonObject().put("second", s.second()).put("end_unix_ms", s.endMillis())
          .put("endpoints", points(s.endpoints())).put("classes", points(s.classes())));
    }
    JsonObject connections = new JsonObject();
    r.connections().forEach(connections::put);
    return new JsonObject()
        .put("url", r.url())
        .put("target_rate", r.targetRate())
        .put("duration_sec", r.durationSeconds())
        .put("warmup_sec", r.warmupSeconds())
        .put("connections", r.totalConnections())
        .put("connections_by_class", connections)
        .put("mix", r.mix())
        .put("latency_from", "scheduled send time (coordinated omission corrected)")
        .put("elapsed_sec", r.elapsedSeconds())
        .put("measured_start_unix_ms", r.measuredStartMillis())
        .put("endpoints", endpoints)
        .put("classes", classes)
        .put("overall", row(r.overall()))
        .put("generator_lag_ms", new JsonObject().put("p99", r.generatorLag().p99Ms())
            .put("max", r.generatorLag().maxMs()))
        .put("timeline", timeline);
  }

  private static JsonObject points(java.util.Map<String, Report.Point> points) {
    JsonObject json = new JsonObject();
    points.forEach((name, p) -> json.put(name, new JsonObject().put("count", p.count()).put("errors", p.errors())
        .put("p50_ms", p.p50Ms()).put("p99_ms", p.p99Ms()).put("max_ms", p.maxMs())));
    return json;
  }

  private static JsonObject row(Report.Row row) {
    JsonObject errors = new JsonObject();
    row.errors().forEach(errors::put);
    return new JsonObject()
        .put("endpoint", row.endpoint())
        .put("route", row.route())
        .put("count", row.count())
        .put("ok", row.ok())
        .put("errors", row.errorCount())
        .put("errors_by_kind", errors)
        .put("success_rate", row.successRate())
        .put("latency_ms", new JsonObject().put("avg", row.avgMs()).put("p50", row.p50Ms()).put("p90", row.p90Ms())
            .put("p99", row.p99Ms()).put("p99_9", row.p999Ms()).put("max", row.maxMs()))
        .put("rate", new JsonObject().put("target", row.targetRate()).put("achieved", row.achievedRate()));
  }
}
