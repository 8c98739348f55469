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

  /**
   * Applies the pending migrations; when any ran, then {@code VACUUM (ANALYZE)} of the tables the reads
   * depend on. A migration that rewrites a table (V41 adds stored columns to users) leaves it without a
   * visibility map, so every index-only scan visits the heap again (offset=5000 fell from 5,900 to 3,200
   * requests/s on the seeded university), and new columns without statistics until an ANALYZE; autovacuum
   * would come late or, where it is off, never. Nothing runs when no migration was pending.
   *
   * @throws org.flywaydb.core.api.FlywayException when a migration fails (then nothing is vacuumed); a vacuum
   *     that fails is logged, not thrown (the migrations are applied)
   */
  public static MigrateResult migrate(DataSource dataSource) {
    MigrateResult result = Flyway.configure()
        .dataSource(dataSource)
        .locations("classpath:db/migration", "classpath:org/provost/db/migration")
        .failOnMissingLocations(true)
        .load()
        .migrate();
    if (result.migrationsExecuted > 0) Vacuum.readTables(dataSource);
    return result;
  }
}
