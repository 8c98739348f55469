package org.provost.cli;

import java.util.concurrent.Callable;
import org.flywaydb.core.api.output.MigrateResult;
import org.provost.config.Config;
import org.provost.db.Database;
import org.provost.db.Migrations;
import picocli.CommandLine.Command;

/** {@code provost migrate}: brings the database schema up to date and exits. */
@Command(name = "migrate", mixinStandardHelpOptions = true,
    description = "Apply pending database migrations (PROVOST_DATABASE_URL, or the embedded database).")
public final class MigrateCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    Config config = Config.fromEnvironment();
    try (Database db = Database.open(config, "migrate", false)) {
      MigrateResult result = Migrations.migrate(db.primary());
      System.out.printf("provost: schema at version %s (%d migration(s) applied)%n",
          result.targetSchemaVersion == null ? result.initialSchemaVersion : result.targetSchemaVersion,
          result.migrationsExecuted);
      return 0;
    }
  }
}
