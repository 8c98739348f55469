package org.provost.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real PostgreSQL started from the binaries packaged on Maven Central, with its data kept under
 * {@code <dataDir>/pg} across restarts. The default for a new user: no database to install.
 */
final class EmbeddedPostgresServer implements AutoCloseable {
  private final EmbeddedPostgres postgres;

  private EmbeddedPostgresServer(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  static EmbeddedPostgresServer start(Path dataDir) {
    try {
      Path pg = dataDir.toAbsolutePath().resolve("pg");
      Files.createDirectories(pg);
      EmbeddedPostgres postgres = EmbeddedPostgres.builder()
          .setDataDirectory(pg)
          .setCleanDataDirectory(false)
          .setOverrideWorkingDirectory(dataDir.toAbsolutePath().resolve("pg-runtime").toFile())
          .setServerConfig("max_connections", "100")
          .start();
      return new EmbeddedPostgresServer(postgres);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start the embedded PostgreSQL under " + dataDir, e);
    }
  }

  String jdbcUrl() {
    return postgres.getJdbcUrl("postgres", "postgres");
  }

  @Override
  public void close() throws IOException {
    postgres.close();
  }
}
