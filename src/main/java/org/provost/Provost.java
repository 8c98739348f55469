package org.provost;

import org.provost.cli.AdminCommand;
import org.provost.cli.ImportCommand;
import org.provost.cli.LoadtestCommand;
import org.provost.cli.MigrateCommand;
import org.provost.cli.SeedCommand;
import org.provost.cli.ServeCommand;
import org.provost.config.ConfigException;
import org.provost.config.StartupException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code provost} command: one executable, one verb per job; {@code provost help VERB} describes each. */
@Command(
    name = "provost",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "Identity and role-based access control for a university.",
    footer = {"", "Settings are PROVOST_* environment variables (see the README). `provost help VERB` describes a verb."},
    subcommands = {ServeCommand.class, MigrateCommand.class, SeedCommand.class, ImportCommand.class,
        LoadtestCommand.class, AdminCommand.class, CommandLine.HelpCommand.class})
public final class Provost implements Runnable {
  public static void main(String[] args) {
    int exit = commandLine().execute(args);
    if (exit != 0 || !ServeCommand.isServing()) System.exit(exit);
  }

  /** The command line as {@link #main} runs it (tests drive it the same way). */
  public static CommandLine commandLine() {
    return new CommandLine(new Provost()).setExecutionExceptionHandler(Provost::failure);
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /**
   * A configuration or start-up error prints its message alone: it names the setting and the fix. Anything
   * else is unexpected: one line, and the stack trace with PROVOST_DEBUG set.
   */
  private static int failure(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
    if (e instanceof ConfigException || e instanceof StartupException) {
      cmd.getErr().println("provost: " + e.getMessage());
    } else {
      cmd.getErr().println("provost: " + cmd.getCommandName() + " failed: " + e.getMessage()
          + (System.getenv("PROVOST_DEBUG") == null ? " (set PROVOST_DEBUG=1 for the stack trace)" : ""));
    }
    if (System.getenv("PROVOST_DEBUG") != null) e.printStackTrace(cmd.getErr());
    cmd.getErr().flush();
    return 1;
  }
}
