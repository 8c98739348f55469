package org.provost.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.provost.config.Config;
import org.provost.db.Database;
import org.provost.db.Jdbc;
import org.provost.logs.ContextCarryingExecutor;
import org.provost.testing.CapturedLogs;
import org.provost.testing.Scrape;
import org.provost.testing.TestDatabases;
import org.provost.testing.TestServer;
import org.slf4j.MDC;

/**
 * The slow-query log and per-query timers on a real PostgreSQL. A statement that sleeps 30 ms in the
 * server is at least that slow, so the thresholds here decide the outcome, not the machine's speed.
 */
class SlowQueryLogTest {
  static String url;
  static Database db;
  static PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  @BeforeAll
  static void open() {
    url = TestDatabases.create();
    db = Database.connect(url, Config.from(TestServer.settings(Map.of())));
    db.observeQueries(new QueryMetrics(meters, Duration.ofMillis(5)));
  }

  @AfterAll
  static void close() {
    if (db != null) db.close();
    if (url != null) TestDatabases.drop(url);
  }

  @Test
  void aStatementAboveTheThreshold_isLoggedWithNameDurationRowsAndTheRequestId() throws Exception {
    ExecutorService blocking = ContextCarryingExecutor.wrap(Executors.newVirtualThreadPerTaskExecutor());
    try (CapturedLogs logs = new CapturedLogs(Level.WARN)) {
      MDC.put("request_id", "slow-req-1");
      try {
        blocking.submit(() -> db.read(c -> Jdbc.list(c,
            Jdbc.named("test.sleep", "SELECT pg_sleep(0.03) FROM generate_series(1, 2)"), rs -> 1))).get();
      } finally {
        MDC.remove("request_id");
      }
      List<ILoggingEvent> slow = logs.events().stream()
          .filter(e -> e.getLoggerName().equals("provost.slow_query")).toList();
      assertThat(slow).hasSize(1);
      ILoggingEvent e = slow.getFirst();
      assertThat(e.getMDCPropertyMap()).containsEntry("request_id", "slow-req-1");
      Map<String, Object> kv = new java.util.HashMap<>();
      e.getKeyValuePairs().forEach(p -> kv.put(p.key, p.value));
      assertThat(kv).containsEntry("query", "test.sleep").containsEntry("rows", 2L);
      assertThat((Double) kv.get("duration_ms")).isGreaterThanOrEqualTo(60.0);
    } finally {
      blocking.shutdown();
    }
  }

  @Test
  void aStatementBelowTheThreshold_isTimedButNotLogged() {
    try (CapturedLogs logs = new CapturedLogs(Level.WARN)) {
      Database quiet = Database.connect(url, Config.from(TestServer.settings(Map.of())));
      try {
        PrometheusMeterRegistry own = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        quiet.observeQueries(new QueryMetrics(own, Duration.ofHours(1)));
        for (int i = 0; i < 3; i++) quiet.read(c -> Jdbc.one(c, "SELECT 1 FROM pg_class WHERE relname = ?", rs -> 1, "x"));
        Scrape s = new Scrape(own.scrape());
        assertThat(s.sum("provost_db_query_seconds_count", "query", "select.pg_class.by_relname")).isEqualTo(3);
      } finally {
        quiet.close();
      }
      assertThat(logs.events()).noneMatch(e -> e.getLoggerName().equals("provost.slow_query"));
    }
  }

  @Test
  void aFlightRecording_getsEachStatementAsAnSqlQueryEventWithNameAndRows() throws Exception {
    java.nio.file.Path file = java.nio.file.Files.createTempFile("provost-sql", ".jfr");
    try (jdk.jfr.Recording recording = new jdk.jfr.Recording()) {
      recording.enable("org.provost.SqlQuery").withThreshold(Duration.ZERO).withStackTrace();
      recording.start();
      db.read(c -> Jdbc.list(c, Jdbc.named("test.series", "SELECT g FROM generate_series(1, 3) g"), rs -> 1));
      recording.stop();
      recording.dump(file);
    }
    List<jdk.jfr.consumer.RecordedEvent> events = jdk.jfr.consumer.RecordingFile.readAllEvents(file).stream()
        .filter(e -> e.getEventType().getName().equals("org.provost.SqlQuery"))
        .filter(e -> "test.series".equals(e.getString("query"))).toList();
    java.nio.file.Files.deleteIfExists(file);
    assertThat(events).hasSize(1);
    assertThat(events.getFirst().getLong("rows")).isEqualTo(3);
    assertThat(events.getFirst().getStackTrace().getFrames())
        .anySatisfy(f -> assertThat(f.getMethod().getType().getName()).isEqualTo(SlowQueryLogTest.class.getName()));
  }
}
