package org.provost.db;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Numbered migrations applied by Flyway: SQL under {@code db/migration}, and Java ones (those that need the
 * application's own logic, such as identifier folding) in {@code org.provost.db.migration}.
 */
public final class Migrations {
  private Migrations() {}

  public static MigrateResult migrate(DataSource dataSource) {
    return Flyway.configure()
        .dataSource(dataSource)
        .locations("classpath:db/migration", "classpath:org/provost/db/migration")
        .failOnMissingLocations(true)
        .load()
        .migrate();
  }
}
