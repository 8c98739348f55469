package org.provost.ops;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.provost.testing.Http.Response;
import org.provost.testing.ProvostServer;

class OpsApiTest {
  @RegisterExtension
  static final ProvostServer server = ProvostServer.builder().build();

  @Test
  void health_liveAndReady_answer200WithoutCredentials() {
    assertThat(server.http.get("/health/live", null).status()).isEqualTo(200);
    Response ready = server.http.get("/health/ready", null);
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.json().getString("status")).isEqualTo("ready");
  }

  @Test
  void metrics_exposePerEndpointResponseTimes_inPrometheusFormat() {
    server.http.get("/v1/me", server.adminToken());
    Response metrics = server.http.get("/metrics", null);
    assertThat(metrics.status()).isEqualTo(200);
    assertThat(metrics.header("Content-Type")).startsWith("text/plain");
    assertThat(metrics.body())
        .contains("provost_http_requests_seconds_count{method=\"GET\",route=\"/v1/me\",status=\"2xx\"}")
        .contains("provost_http_requests_seconds_bucket{method=\"GET\",route=\"/v1/me\",status=\"2xx\",le=\"0.005\"}")
        .contains("provost_db_statements_total")
        .contains("provost_authz_revision")
        .contains("provost_sessions_live");
    // a scrape grows with the routes (three timers of 13 buckets each per route template) and nothing else:
    // no label takes a user's id or a path's values
    int routes = server.app().api().routes().size();
    assertThat(metrics.body().lines().count()).as("a scrape stays small (%d routes)", routes)
        .isLessThan(1000 + 55L * routes);
  }

  @Test
  void unknownPath_is404ProblemJson() {
    Response r = server.http.get("/v1/nothing-here", null);
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.json().getString("code")).isEqualTo("no_route");
  }
}
