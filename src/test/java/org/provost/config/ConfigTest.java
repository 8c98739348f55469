package org.provost.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {
  @Test
  void defaults_matchTheDocumentedValues() {
    Config c = Config.from(Map.of());
    assertThat(c.databaseUrl()).isEmpty();
    assertThat(c.httpPort()).isEqualTo(8080);
    assertThat(c.poolMinIdle()).isEqualTo(5);
    assertThat(c.poolMaxSize()).isEqualTo(20);
    assertThat(c.sessionIdleTimeout()).isEqualTo(Duration.ofMinutes(30));
    assertThat(c.dataDir()).isEqualTo(Path.of("./provost-data"));
    assertThat(c.argon2().memoryKib()).isEqualTo(19 * 1024);
  }

  @Test
  void badValue_stopsStartup_namingKeyAndValue() {
    assertThatThrownBy(() -> Config.from(Map.of("PROVOST_HTTP_PORT", "eighty")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("PROVOST_HTTP_PORT=eighty");
    assertThatThrownBy(() -> Config.from(Map.of("PROVOST_HTTP_PORT", "70000")))
        .hasMessageContaining("between 0 and 65535");
    assertThatThrownBy(() -> Config.from(Map.of("PROVOST_SESSION_IDLE_TIMEOUT", "soon")))
        .hasMessageContaining("PROVOST_SESSION_IDLE_TIMEOUT=soon");
    assertThatThrownBy(() -> Config.from(Map.of("PROVOST_DB_POOL_MIN_IDLE", "30")))
        .hasMessageContaining("must not exceed PROVOST_DB_POOL_MAX_SIZE");
  }

  @Test
  void durations_acceptShortAndIsoForms() {
    assertThat(Config.from(Map.of("PROVOST_SESSION_IDLE_TIMEOUT", "45m")).sessionIdleTimeout())
        .isEqualTo(Duration.ofMinutes(45));
    assertThat(Config.from(Map.of("PROVOST_SESSION_MAX_LIFETIME", "PT2H")).sessionMaxLifetime())
        .isEqualTo(Duration.ofHours(2));
  }

  @Test
  void configFile_isReadAndEnvironmentWins(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("provost.properties");
    Files.writeString(file, "PROVOST_HTTP_PORT=9000\nPROVOST_EVENT_LOOPS=3\n");
    Config c = Config.from(Map.of("PROVOST_CONFIG_FILE", file.toString(), "PROVOST_EVENT_LOOPS", "1"));
    assertThat(c.httpPort()).isEqualTo(9000);
    assertThat(c.eventLoops()).isEqualTo(1);
    assertThatThrownBy(() -> Config.from(Map.of("PROVOST_CONFIG_FILE", dir.resolve("missing").toString())))
        .hasMessageContaining("PROVOST_CONFIG_FILE");
  }
}
