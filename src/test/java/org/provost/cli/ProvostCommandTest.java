package org.provost.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.provost.Provost;
import org.provost.Version;
import picocli.CommandLine;

/** {@code provost help}, {@code provost help VERB} and {@code --version}. */
class ProvostCommandTest {
  record Run(int exit, String out) {}

  static Run provost(String... args) {
    StringWriter out = new StringWriter();
    CommandLine cli = Provost.commandLine();
    cli.setOut(new PrintWriter(out, true));
    int exit = cli.execute(args);
    return new Run(exit, out.toString());
  }

  @Test
  void help_listsEveryVerb_andHelpVerbDescribesIt() {
    Run help = provost("help");
    assertThat(help.exit()).isZero();
    for (String verb : new String[] {"serve", "migrate", "seed", "import", "loadtest", "admin", "help"}) {
      assertThat(help.out()).contains("  " + verb);
    }
    Run seed = provost("help", "seed");
    assertThat(seed.exit()).isZero();
    assertThat(seed.out()).contains("Usage: provost seed").contains("--students").contains("--no-role-assign");
    Run admin = provost("admin", "reset-password", "--help");
    assertThat(admin.exit()).isZero();
    assertThat(admin.out()).contains("Usage: provost admin reset-password").contains("USER");
  }

  @Test
  void version_printsTheBuiltVersionAndTheCommitItWasBuiltFrom() throws Exception {
    Run run = provost("--version");
    assertThat(run.exit()).isZero();
    assertThat(Version.current()).isNotEqualTo("dev");
    assertThat(run.out()).startsWith("provost " + Version.current() + " (commit " + Version.commit() + ")");
    Process git = new ProcessBuilder("git", "rev-parse", "HEAD").redirectErrorStream(true).start();
    String head = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (git.waitFor() != 0) return; // not a clone: "unknown" is the honest answer
    assertThat(head).startsWith(Version.commit().replace("-dirty", ""));
  }
}
