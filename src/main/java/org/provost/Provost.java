package org.provost;

import org.provost.cli.ImportCommand;
import org.provost.cli.LoadtestCommand;
import org.provost.cli.MigrateCommand;
import org.provost.cli.SeedCommand;
import org.provost.cli.ServeCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code provost} command: one executable, one verb per job. */
@Command(
    name = "provost",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "Identity and role-based access control for a university.",
    subcommands = {ServeCommand.class, MigrateCommand.class, SeedCommand.class, ImportCommand.class,
        LoadtestCommand.class})
public final class Provost implements Runnable {
  public static void main(String[] args) {
    int exit = new CommandLine(new Provost())
        .setExecutionExceptionHandler(Provost::failure)
        .execute(args);
    if (exit != 0 || !ServeCommand.isServing()) System.exit(exit);
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  private static int failure(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
    cmd.getErr().println("provost: " + e.getMessage());
    if (System.getenv("PROVOST_DEBUG") != null) e.printStackTrace(cmd.getErr());
    return 1;
  }
}
