package org.provost.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ObservabilityConfigTest {
  @Test
  void defaults_areTextLogsNoAccessLog250msSlowQueriesAndHttpMetricsOn() {
    Config.Observability o = Config.from(Map.of()).observability();
    assertThat(o.logFormat()).isEqualTo("text");
    assertThat(o.accessLog()).isFalse();
    assertThat(o.slowQueryThreshold()).isEqualTo(Duration.ofMillis(250));
    assertThat(o.httpMetrics()).isTrue();
  }

  @Test
  void settings_areRead() {
    Config.Observability o = Config.from(Map.of("PROVOST_LOG_FORMAT", "json", "PROVOST_ACCESS_LOG", "true",
        "PROVOST_SLOW_QUERY_THRESHOLD", "40ms", "PROVOST_HTTP_METRICS", "false")).observability();
    assertThat(o).isEqualTo(new Config.Observability("json", true, Duration.ofMillis(40), false));
  }

  @Test
  void badValues_stopStartUpNamingTheKeyAndValue() {
    assertThatThrownBy(() -> Config.from(Map.of("PROVOST_LOG_FORMAT", "xml")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("PROVOST_LOG_FORMAT=xml");
    assertThatThrownBy(() -> Config.from(Map.of("PROVOST_ACCESS_LOG", "yes")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("PROVOST_ACCESS_LOG=yes");
    assertThatThrownBy(() -> Config.from(Map.of("PROVOST_SLOW_QUERY_THRESHOLD", "soon")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("PROVOST_SLOW_QUERY_THRESHOLD=soon");
    assertThatThrownBy(() -> Config.from(Map.of("PROVOST_HTTP_METRICS", "off")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("PROVOST_HTTP_METRICS=off");
  }
}
