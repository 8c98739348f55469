package org.provost.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import org.provost.audit.Audit;
import org.provost.config.Config;
import org.provost.config.StartupException;
import org.provost.db.Database;
import org.provost.db.Jdbc;
import org.provost.security.PasswordPolicy;
import org.provost.sessions.PostgresSessionStore;
import org.provost.users.Identifiers;
import org.provost.db.Migrations;
import org.provost.security.PasswordHasher;
import org.provost.security.Tokens;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code provost admin ...}: recovery tasks run on a host with access to the database. */
@Command(name = "admin", mixinStandardHelpOptions = true, description = "Recovery tasks, run where the database is reachable.",
    subcommands = {AdminCommand.ResetPassword.class})
public final class AdminCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code provost admin reset-password USER}: a new password for USER, and the end of their sessions. */
  @Command(name = "reset-password", mixinStandardHelpOptions = true,
      description = {"Set a new password for USER (a lost admin password, say) and end USER's sessions. Prints a "
          + "generated password once, or reads one line from standard input with --password-stdin. Works on the "
          + "database the service uses (PROVOST_DATABASE_URL, or the embedded one, even while serve runs).", "",
          "Exit status: 0 done; 1 no such user, or the database cannot be reached."})
  public static final class ResetPassword implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "USER", description = "the username, such as admin")
    String username;

    @Option(names = "--password-stdin", description = "read the new password from standard input (one line)")
    boolean fromStdin;

    @Spec
    CommandSpec spec;

    private final Config config;

    public ResetPassword() {
      this(null);
    }

    /** With a configuration given instead of read from the environment (tests). */
    ResetPassword(Config config) {
      this.config = config;
    }

    @Override
    public Integer call() throws Exception {
      Config cfg = config != null ? config : Config.fromEnvironment();
      String password = fromStdin ? readLine() : Tokens.newPassword();
      String problem = PasswordPolicy.problem(password, null, null, null);
      if (problem != null) throw new StartupException("the new password " + problem);
      String hash = new PasswordHasher(cfg.argon2()).hash(password);
      PrintWriter out = spec.commandLine().getOut();
      try (Database db = Database.open(cfg, "admin", true)) {
        Migrations.migrate(db.primary());
        long[] ended = db.write(c -> {
          Long id = Jdbc.one(c, "SELECT id FROM users WHERE username_key = ? FOR UPDATE", rs -> rs.getLong(1),
              Identifiers.key(username)).orElse(null);
          if (id == null) return null;
          Jdbc.update(c, "UPDATE users SET password_hash = ?, updated_at = now() WHERE id = ?", hash, id);
          int sessions = PostgresSessionStore.live(c, id).size();
          long revision = PostgresSessionStore.endAll(c, id, 0);
          Audit.record(c, null, ImportCommand.actorName(), "user.password_reset", "user", id, null, null);
          return new long[] {sessions, revision};
        });
        if (ended == null) {
          spec.commandLine().getErr().println("provost: admin reset-password: no user named '" + username + "'");
          return 1;
        }
        out.println("provost: new password for '" + username + "' set; " + ended[0] + " session(s) ended (revision "
            + ended[1] + ")");
        if (!fromStdin) out.println("provost:     " + password + "\nprovost: (shown once, not stored anywhere)");
        out.flush();
        return 0;
      }
    }

    private static String readLine() throws java.io.IOException {
      String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
      if (line == null) throw new StartupException("--password-stdin: standard input was empty");
      return line.strip();
    }
  }
}
