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
  void lanes_defaultToTheCoresWithinThePool_andAreCheckedAgainstEachOther() {
    Config.Lanes lanes = Config.from(Map.of("PROVOST_DB_POOL_MAX_SIZE", "12")).lanes();
    int cores = Runtime.getRuntime().availableProcessors();
    assertThat(lanes.sqlWriters()).isEqualTo(3); // a quarter of the pool
    assertThat(lanes.sqlConcurrency()).isEqualTo(Math.min(12, 2 * cores + 3)); // 2 x cores reads, and the writes
    Config.Lanes set = Config.from(Map.of("PROVOST_DB_POOL_MAX_SIZE", "12", "PROVOST_SQL_LANE_CONCURRENCY", "12"))
        .lanes();
    assertThat(set.sqlConcurrency()).isEqualTo(12);
    assertThat(set.sqlWriters()).isEqualTo(3);
    assertThat(lanes.sqlMaxWait()).isEqualTo(Duration.ofMillis(250));
    assertThat(lanes.hashThreads()).isEqualTo(Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
    assertThat(lanes.fillPoolSize()).isEqualTo(4);
    assertThatThrownBy(() -> Config.from(Map.of("PROVOST_DB_POOL_MAX_SIZE", "4", "PROVOST_DB_POOL_MIN_IDLE", "1",
        "PROVOST_SQL_LANE_CONCURRENCY", "17")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("PROVOST_SQL_LANE_CONCURRENCY")
        .hasMessageContaining("4 x PROVOST_DB_POOL_MAX_SIZE");
    assertThatThrownBy(() -> Config.from(Map.of("PROVOST_SQL_LANE_CONCURRENCY", "8", "PROVOST_SQL_LANE_WRITERS", "8")))
        .hasMessageContaining("PROVOST_SQL_LANE_WRITERS").hasMessageContaining("must be below");
    assertThatThrownBy(() -> Config.from(Map.of("PROVOST_HASH_LANE_MAX_WAIT", "0s")))
        .hasMessageContaining("PROVOST_HASH_LANE_MAX_WAIT");
    assertThatThrownBy(() -> Config.from(Map.of("PROVOST_HASH_THREADS", "0")))
        .hasMessageContaining("PROVOST_HASH_THREADS");
  }

  @Test
  void theStartUpLog_showsTheSqlLaneTheCoresGave() {
    int sql = Config.from(Map.of()).lanes().sqlConcurrency();
    assertThat(Config.describe(Map.of())).contains("PROVOST_SQL_LANE_CONCURRENCY=" + sql + " (default)");
  }

  @Test
  void sqlLaneDefault_isTwiceTheCoresForReads_plusTheWrites_withinThePool() {
    assertThat(Config.Lanes.defaultSqlConcurrency(20, 2, 4)).isEqualTo(8); // 4 reads, 4 writes
    assertThat(Config.Lanes.defaultSqlConcurrency(20, 16, 4)).isEqualTo(20);
    assertThat(Config.Lanes.defaultSqlConcurrency(3, 2, 1)).isEqualTo(3);
    assertThat(Config.Lanes.defaultSqlConcurrency(1, 1, 1)).isEqualTo(2);
    // writers set alone come on top of the reads' share, as the default ones do
    int processors = Runtime.getRuntime().availableProcessors();
    Config.Lanes writes = Config.from(Map.of("PROVOST_SQL_LANE_WRITERS", "8")).lanes();
    assertThat(writes.sqlWriters()).isEqualTo(8);
    assertThat(writes.sqlConcurrency()).isEqualTo(Math.min(20, 2 * processors + 8));
    for (int pool = 1; pool <= 64; pool++) { // every default passes Lanes' own checks, on any machine
      Config.Lanes lanes = Config.from(Map.of("PROVOST_DB_POOL_MAX_SIZE", String.valueOf(pool),
          "PROVOST_DB_POOL_MIN_IDLE", "0")).lanes();
      assertThat(lanes.sqlWriters()).isLessThan(lanes.sqlConcurrency());
      for (int cores = 1; cores <= 32; cores++) {
        int sql = Config.Lanes.defaultSqlConcurrency(pool, cores, Config.Lanes.defaultWriters(pool));
        assertThat(Config.Lanes.defaultWriters(pool)).isLessThan(sql);
        assertThat(sql).isLessThanOrEqualTo(Math.max(2, pool)).isLessThanOrEqualTo(4 * pool);
      }
    }
  }

  @Test
  void laneNice_defaultsTo10_andOnly0to19StartTheService() {
    assertThat(Config.from(Map.of()).lanes().nice()).isEqualTo(10);
    assertThat(Config.from(Map.of("PROVOST_LANE_NICE", "0")).lanes().nice()).isZero();
    assertThat(Config.from(Map.of("PROVOST_LANE_NICE", "19")).lanes().nice()).isEqualTo(19);
    assertThat(Config.from(Map.of("PROVOST_LANE_NICE", "")).lanes().nice()).as("empty, as unset").isEqualTo(10);
    for (String bad : new String[] {"20", "-1", "ten", "1.5"}) {
      assertThatThrownBy(() -> Config.from(Map.of("PROVOST_LANE_NICE", bad))).as("PROVOST_LANE_NICE=%s", bad)
          .isInstanceOf(ConfigException.class).hasMessageContaining("PROVOST_LANE_NICE");
    }
  }

  @Test
  void userSearchIndex_isOnByDefault_andTakesOnlyTrueOrFalse() {
    assertThat(Config.from(Map.of()).userSearchIndex()).isTrue();
    assertThat(Config.from(Map.of("PROVOST_USER_SEARCH_INDEX", "false")).userSearchIndex()).isFalse();
    for (String bad : new String[] {"yes", "0", "TRUE"}) {
      assertThatThrownBy(() -> Config.from(Map.of("PROVOST_USER_SEARCH_INDEX", bad))).as(bad)
          .isInstanceOf(ConfigException.class).hasMessageContaining("PROVOST_USER_SEARCH_INDEX=" + bad)
          .hasMessageContaining("must be true or false");
    }
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
  void redisUrl_mustBeARedisUrl_andItsPasswordIsNeverShown() {
    assertThatThrownBy(() -> Config.from(Map.of("PROVOST_REDIS_URL", "http://:s3cret@cache:6379")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("PROVOST_REDIS_URL")
        .hasMessageContaining("must be a Redis URL").hasMessageNotContaining("s3cret");
    Config c = Config.from(Map.of("PROVOST_REDIS_URL", "redis://:s3cret@cache:6379/2"));
    assertThat(c.redisUrl()).contains("redis://:s3cret@cache:6379/2");
    assertThat(c.redisKeyPrefix()).isEqualTo("provost:");
    assertThat(c.toString()).doesNotContain("s3cret");
    assertThat(Config.from(Map.of()).redisUrl()).isEmpty();
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

  @Test
  void unknownSetting_isRefused_namingItsSourceAndTheNearestKnownKey(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> Config.from(Map.of("PROVOST_HTTP_PROT", "9000")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("PROVOST_HTTP_PROT (from the environment) is not a Provost setting")
        .hasMessageContaining("did you mean PROVOST_HTTP_PORT?")
        .hasMessageNotContaining("9000");
    Path file = dir.resolve("provost.properties");
    Files.writeString(file, "PROVOST_SESSION_IDLE_TIMOUT=10m\n");
    assertThatThrownBy(() -> Config.from(Map.of("PROVOST_CONFIG_FILE", file.toString())))
        .hasMessageContaining("PROVOST_SESSION_IDLE_TIMOUT (from the file " + file)
        .hasMessageContaining("did you mean PROVOST_SESSION_IDLE_TIMEOUT?");
    // read by the launcher, the CLI and the tests, not by Config: allowed
    assertThat(Config.from(Map.of("PROVOST_DEBUG", "1", "PROVOST_JAVA_OPTS", "-Xmx1g", "PROVOST_URL", "http://x"))
        .httpPort()).isEqualTo(8080);
  }

  @Test
  void trustedProxies_mustBeIpAddresses() {
    assertThat(Config.from(Map.of("PROVOST_TRUSTED_PROXIES", "10.0.0.5, ::1")).trustedProxies())
        .contains("10.0.0.5", "::1", "0:0:0:0:0:0:0:1");
    assertThatThrownBy(() -> Config.from(Map.of("PROVOST_TRUSTED_PROXIES", "nginx.local")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("PROVOST_TRUSTED_PROXIES")
        .hasMessageContaining("'nginx.local' is not an IP address");
    assertThatThrownBy(() -> Config.from(Map.of("PROVOST_TRUSTED_PROXIES", "10.0.0.0/8")))
        .hasMessageContaining("'10.0.0.0/8' is a range");
    assertThatThrownBy(() -> Config.from(Map.of("PROVOST_TRUSTED_PROXIES", "300.1.1.1")))
        .hasMessageContaining("'300.1.1.1' is not an IP address");
  }

  @Test
  void passwords_neverAppearInToStringErrorsOrTheEffectiveConfiguration() {
    Map<String, String> env = Map.of("PROVOST_DATABASE_URL", "postgresql://app:s3cret-pw@db.example:5432/provost",
        "PROVOST_DATABASE_PASSWORD", "other-s3cret", "PROVOST_ADMIN_PASSWORD", "admin-s3cret");
    Config c = Config.from(env);
    assertThat(c.toString()).doesNotContain("s3cret").contains("db.example:5432/provost");
    String described = Config.describe(env);
    assertThat(described).doesNotContain("s3cret")
        .contains("PROVOST_DATABASE_URL=postgresql://app:****@db.example:5432/provost")
        .contains("PROVOST_HTTP_PORT=8080 (default)");
    assertThat(new ConfigException("PROVOST_DATABASE_URL", "mysql://app:s3cret-pw@db/provost", "bad scheme")
        .getMessage()).contains("mysql://app:****@db/provost").doesNotContain("s3cret");
  }
}
