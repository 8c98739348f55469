package org.provost.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.provost.Provost;
import org.provost.config.Config;
import org.provost.db.Jdbc;
import org.provost.security.PasswordHasher;
import org.provost.testing.MigratedDatabase;
import org.provost.testing.TestServer;
import picocli.CommandLine;

/** {@code provost seed} and {@code provost import} end to end through picocli, against a test database. */
class ProvisioningCommandsTest {
  @RegisterExtension
  static final MigratedDatabase.PerClass d = MigratedDatabase.perClass();
  static Config config;
  @TempDir
  Path dir;

  /** The commands' settings: the extension's database (made by now), with a seed password and no idle pool. */
  @BeforeAll
  static void database() {
    Map<String, String> env = new HashMap<>(TestServer.settings(Map.of()));
    env.put("PROVOST_DATABASE_URL", d.jdbcUrl());
    env.put("PROVOST_DB_POOL_MIN_IDLE", "0");
    env.put("PROVOST_SEED_PASSWORD", "password-from-the-environment");
    config = Config.from(env);
  }

  /** What one command line printed and returned. */
  record Run(int exit, String out, String err) {}

  static Run provost(String... args) {
    CommandLine.IFactory factory = new CommandLine.IFactory() {
      @Override
      public <K> K create(Class<K> cls) throws Exception {
        if (cls == SeedCommand.class) return cls.cast(new SeedCommand(config));
        if (cls == ImportCommand.class) return cls.cast(new ImportCommand(config));
        return CommandLine.defaultFactory().create(cls);
      }
    };
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new Provost(), factory);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  Path csv(String text) throws IOException {
    Path file = dir.resolve("people.csv");
    Files.writeString(file, text);
    return file;
  }

  @Test
  void seed_seedsTheUniversity_withThePasswordFromTheEnvironment_andReportsProgress() {
    Run run = provost("seed", "--students", "50", "--faculty", "10", "--staff", "5", "--departments", "4",
        "--courses", "8", "--terms", "2", "--role-assign", "--seed", "5", "--today", "2026-10-15");
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).contains("seeded 65 users", "8 courses", "16 offerings");
    assertThat(run.err()).contains("provost: users: copy: 65 in");
    assertThat(d.count("SELECT count(*) FROM users WHERE username LIKE 'faculty0000%'")).isEqualTo(10);
    assertThat(d.count("SELECT count(*) FROM grants WHERE scope_type = 3")).isGreaterThanOrEqualTo(16);
    String hash = d.db().readPrimary(c -> Jdbc.one(c, "SELECT password_hash FROM users WHERE username = 'staff000005'",
        rs -> rs.getString(1)).orElseThrow());
    assertThat(new PasswordHasher(config.argon2()).verify("password-from-the-environment", hash)).isTrue();

    Run again = provost("seed", "--students", "50", "--faculty", "10", "--staff", "5", "--departments", "4",
        "--courses", "8", "--terms", "2", "--role-assign", "--seed", "5", "--today", "2026-10-15");
    assertThat(again.exit()).isZero();
    assertThat(again.out()).contains("seeded 0 users, 0 grants");
  }

  @Test
  void seed_badSize_failsNamingTheFlag_andWritesNothing() {
    long before = d.count("SELECT count(*) FROM users");
    Run run = provost("seed", "--students", "-3", "--faculty", "1");
    assertThat(run.exit()).isNotZero();
    assertThat(run.err()).contains("--students: must be between 0 and 999999");
    assertThat(d.count("SELECT count(*) FROM users")).isEqualTo(before);
  }

  @Test
  void import_dryRunThenForReal_printsReadableReports() throws IOException {
    Path file = csv("""
        external_id,username,email,given_name,family_name,type
        C1,cli.one,cli.one@example.edu,Cli,One,staff
        C2,cli.two,cli.two@example.edu,Cli,Two,affiliate
        """);
    Run dry = provost("import", file.toString(), "--dry-run");
    assertThat(dry.exit()).as(dry.err()).isZero();
    assertThat(dry.out()).contains("DRY RUN, nothing was changed", "line 2  C1  cli.one");
    assertThat(d.count("SELECT count(*) FROM users WHERE external_id LIKE 'C%'")).isZero();

    Run real = provost("import", file.toString(), "--json");
    assertThat(real.exit()).as(real.err()).isZero();
    JsonObject report = new JsonObject(real.out());
    assertThat(report.getJsonObject("counts").getInteger("created")).isEqualTo(2);
    assertThat(d.count("SELECT count(*) FROM users WHERE external_id LIKE 'C%' AND password_hash IS NULL"))
        .isEqualTo(2);
    assertThat(d.count("SELECT count(*) FROM audit_events WHERE action = 'import.run' AND actor LIKE 'cli:%'"
        + " AND target_id = ?", file.toString())).isEqualTo(1);
  }

  @Test
  void import_invalidRows_exit1_listTheLines_andChangeNothing() throws IOException {
    Path file = csv("external_id,username,email,type\nX1,x.one,x.one@example.edu,staff\nX2,x.two,nope,staff\n");
    Run run = provost("import", file.toString());
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.out()).contains("REJECTED", "line 3: email: must be an email address");
    assertThat(d.count("SELECT count(*) FROM users WHERE external_id LIKE 'X%'")).isZero();

    Run skipping = provost("import", file.toString(), "--skip-invalid");
    assertThat(skipping.exit()).isZero();
    assertThat(d.count("SELECT count(*) FROM users WHERE external_id LIKE 'X%'")).isEqualTo(1);
  }

  @Test
  void import_unusableFile_exit1_namingTheProblem() throws IOException {
    Run missing = provost("import", dir.resolve("absent.csv").toString());
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.err()).contains("no such file");
    Run unknown = provost("import", csv("external_id,shoe_size\nZ1,44\n").toString());
    assertThat(unknown.exit()).isEqualTo(1);
    assertThat(unknown.err()).contains("shoe_size: is not a known column");
  }
}
