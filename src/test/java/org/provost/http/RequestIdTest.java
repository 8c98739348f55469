package org.provost.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.provost.testing.AccessFixture;
import org.provost.testing.CapturedLogs;
import org.provost.testing.Http.Response;
import org.provost.testing.ProvostServer;

class RequestIdTest {
  @RegisterExtension
  static final ProvostServer server = ProvostServer.builder().config("PROVOST_ACCESS_LOG", "true").directory().build();
  static final AccessFixture fixture = server.fixture();

  private static Response get(String path, String requestId) {
    return server.http.send("GET", path, fixture.adminToken(), null, null, "X-Request-Id", requestId);
  }

  @Test
  void aValidClientRequestId_isEchoed() {
    assertThat(get("/v1/me", "req-2026.12:01_a").header("X-Request-Id")).isEqualTo("req-2026.12:01_a");
    String longest = "a".repeat(RequestIds.MAX_LENGTH);
    assertThat(get("/v1/me", longest).header("X-Request-Id")).isEqualTo(longest);
  }

  @Test
  void anUnsafeOrOverlongRequestId_isReplacedByAGeneratedOne() {
    for (String bad : new String[] {"a".repeat(RequestIds.MAX_LENGTH + 1), "has space", "semi;colon", "slash/x",
        "quote\"x"}) {
      String echoed = get("/v1/me", bad).header("X-Request-Id");
      assertThat(echoed).as(bad).matches("[0-9a-f]{16}");
    }
  }

  @Test
  void everyResponse_hasARequestId_evenWithoutRouteOrCredentials() {
    assertThat(server.http.get("/v1/me", null).header("X-Request-Id")).matches("[0-9a-f]{16}");
    assertThat(server.http.get("/v1/no-such-thing", null).header("X-Request-Id")).matches("[0-9a-f]{16}");
    assertThat(server.http.get("/health/live", null).header("X-Request-Id")).matches("[0-9a-f]{16}");
    String a = server.http.get("/v1/me", null).header("X-Request-Id");
    String b = server.http.get("/v1/me", null).header("X-Request-Id");
    assertThat(a).isNotEqualTo(b);
  }

  @Test
  void theAuditEventOfAWrite_recordsTheRequestId() {
    long user = fixture.user("grace", "CS");
    Response granted = server.http.send("POST", "/v1/users/" + user + "/grants", fixture.adminToken(),
        new JsonObject().put("role", "teaching_assistant").put("scope", "offering:CS101/2026-fall")
            .put("reason", "audit test").encode(), "application/json", "X-Request-Id", "audit-trace-0001");
    assertThat(granted.status()).isEqualTo(201);
    Response audit = server.http.get("/v1/audit?action=grant.create&limit=100", fixture.adminToken());
    JsonObject event = audit.items().stream().map(JsonObject.class::cast)
        .filter(e -> e.getString("target").equals("grant:" + granted.json().getLong("id"))).findFirst().orElseThrow();
    assertThat(event.getString("request_id")).isEqualTo("audit-trace-0001");
    assertThat(fixture.count("SELECT count(*) FROM audit_events WHERE request_id = 'audit-trace-0001'")).isEqualTo(1);
  }

  @Test
  void theAccessLogLineOfARequest_carriesItsIdRouteAndStatus() {
    try (CapturedLogs logs = new CapturedLogs(Level.WARN)) {
      long user = fixture.user("hedy", null);
      assertThat(get("/v1/users/" + user, "access-line-7").status()).isEqualTo(200);
      assertThat(get("/v1/users/0", "access-line-8").status()).isEqualTo(404);
      List<ILoggingEvent> ok = awaitAccess(logs, "access-line-7");
      assertThat(ok).hasSize(1);
      assertThat(ok.getFirst().getLoggerName()).isEqualTo("provost.access");
      assertThat(ok.getFirst().getKeyValuePairs()).anySatisfy(kv -> {
        assertThat(kv.key).isEqualTo("route");
        assertThat(kv.value).isEqualTo("/v1/users/{id}");
      });
      assertThat(ok.getFirst().getKeyValuePairs()).anySatisfy(kv -> {
        assertThat(kv.key).isEqualTo("status");
        assertThat(kv.value).isEqualTo(200);
      });
      assertThat(awaitAccess(logs, "access-line-8").getFirst().getKeyValuePairs())
          .anySatisfy(kv -> assertThat(kv.value).isEqualTo(404));
      assertThat(logs.rendered()).contains("\"request_id\":\"access-line-7\"").contains("\"route\":\"/v1/users/{id}\"");
    }
  }

  /** The access line is written just after the answer: wait for it (never for a duration). */
  private static List<ILoggingEvent> awaitAccess(CapturedLogs logs, String id) {
    for (int i = 0; i < 300; i++) {
      List<ILoggingEvent> found = logs.forRequest(id).stream()
          .filter(e -> e.getLoggerName().equals("provost.access")).toList();
      if (!found.isEmpty()) return found;
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }
    throw new AssertionError("no access line for " + id);
  }
}
