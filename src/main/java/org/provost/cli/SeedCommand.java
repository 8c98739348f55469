package org.provost.cli;

import java.io.PrintWriter;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.Callable;
import org.provost.config.Config;
import org.provost.db.Database;
import org.provost.db.Migrations;
import org.provost.provisioning.Progress;
import org.provost.provisioning.SeedOptions;
import org.provost.provisioning.SeedResult;
import org.provost.provisioning.Seeder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code provost seed}: fills the database with a realistic, reproducible university. */
@Command(name = "seed", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Load a made-up university (schools, departments, courses, terms, offerings, people and their roles), "
            + "the same one for the same --seed. Re-running adds only what is missing.",
        "",
        "Usernames: student000001.., faculty000001.., staff000001..; emails <username>@seed.provost.invalid; "
            + "one shared password (--password, else PROVOST_SEED_PASSWORD, else provost-seed-password).",
        ""})
public final class SeedCommand implements Callable<Integer> {
  @Option(names = "--students", paramLabel = "N", defaultValue = "" + SeedOptions.DEFAULT_STUDENTS,
      description = "students (default ${DEFAULT-VALUE})")
  int students;

  @Option(names = "--faculty", paramLabel = "N", defaultValue = "" + SeedOptions.DEFAULT_FACULTY,
      description = "faculty members (default ${DEFAULT-VALUE})")
  int faculty;

  @Option(names = "--staff", paramLabel = "N", defaultValue = "" + SeedOptions.DEFAULT_STAFF,
      description = "staff members (default ${DEFAULT-VALUE})")
  int staff;

  @Option(names = "--departments", paramLabel = "N", defaultValue = "" + SeedOptions.DEFAULT_DEPARTMENTS,
      description = "departments, grouped into schools (default ${DEFAULT-VALUE})")
  int departments;

  @Option(names = "--courses", paramLabel = "N", description = "courses in all (default 20 per department)")
  Integer courses;

  @Option(names = "--terms", paramLabel = "N", defaultValue = "" + SeedOptions.DEFAULT_TERMS,
      description = "terms: the current one and those before it (default ${DEFAULT-VALUE})")
  int terms;

  @Option(names = "--role-assign", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "grant roles (the default; --no-role-assign: none): student/faculty/staff globally, instructors "
          + "and teaching assistants on offerings for the term's dates, department admins")
  boolean roleAssign;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
      description = "random seed (default ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--password", paramLabel = "P",
      description = "password of every seeded account (else PROVOST_SEED_PASSWORD)")
  String password;

  @Option(names = "--today", paramLabel = "DATE",
      description = "date that picks the current term, as 2026-10-15 (default: today, UTC)")
  LocalDate today;

  @Spec
  CommandSpec spec;

  private final Config config;

  public SeedCommand() {
    this(null);
  }

  /** With a configuration given instead of read from the environment (tests). */
  SeedCommand(Config config) {
    this.config = config;
  }

  @Override
  public Integer call() {
    Config cfg = config != null ? config : Config.fromEnvironment();
    SeedOptions options = new SeedOptions(students, faculty, staff, departments,
        courses != null ? courses : departments * SeedOptions.DEFAULT_COURSES_PER_DEPARTMENT, terms, roleAssign,
        seed, today != null ? today : LocalDate.now(ZoneOffset.UTC),
        password != null ? password : cfg.seedPassword());
    PrintWriter err = spec.commandLine().getErr();
    Progress progress = Progress.to(err, Progress.stderrIsTerminal());
    try (Database db = Database.open(cfg, "seed", true)) {
      progress.begin("schema", 0);
      try {
        Migrations.migrate(db.primary());
      } catch (RuntimeException e) {
        progress.fail();
        throw e;
      }
      progress.end();
      SeedResult result = new Seeder(db, cfg.argon2(), progress).seed(options, ImportCommand.actorName());
      PrintWriter out = spec.commandLine().getOut();
      out.println("provost: " + result.summary());
      out.flush();
      return 0;
    }
  }
}
