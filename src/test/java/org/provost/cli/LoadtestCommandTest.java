package org.provost.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Bad options stop the command before it sends anything, with a message naming the option. */
class LoadtestCommandTest {
  private record Outcome(int exit, String err) {}

  private static Outcome run(String... args) {
    StringWriter err = new StringWriter();
    int exit = new CommandLine(new LoadtestCommand()).setErr(new PrintWriter(err)).execute(args);
    return new Outcome(exit, err.toString());
  }

  @Test
  void badMix_isAUsageErrorNamingMix() {
    Outcome o = run("--mix", "check=60,bogus=40", "--admin-password", "x");
    assertThat(o.exit()).isEqualTo(2);
    assertThat(o.err()).contains("--mix unknown scenario 'bogus'");
  }

  @Test
  void zeroRate_isAUsageErrorNamingRateAndItsVariable() {
    Outcome o = run("--rate", "0", "--mix", "get=1");
    assertThat(o.exit()).isEqualTo(2);
    assertThat(o.err()).contains("--rate (TARGET_RPS) must be between 1 and");
  }

  @Test
  void apiScenariosWithoutAdminPassword_sayWhichOptionIsMissing() {
    Outcome o = run("--mix", "check=1", "--admin-password", "");
    assertThat(o.exit()).isEqualTo(2);
    assertThat(o.err()).contains("--admin-password is required");
  }

  @Test
  void urlWithAPath_isRejectedPointingToPath() {
    Outcome o = run("--mix", "get=1", "--url", "http://127.0.0.1:9/v1");
    assertThat(o.exit()).isEqualTo(2);
    assertThat(o.err()).contains("--url takes no path");
  }

  @Test
  void badConnections_isAUsageErrorNamingConnections() {
    Outcome o = run("--mix", "get=1", "--connections", "memory=8,disk=2");
    assertThat(o.exit()).isEqualTo(2);
    assertThat(o.err()).contains("--connections unknown class 'disk'");
  }

  @Test
  void timelineInAMissingDirectory_isRejectedBeforeTheRun() {
    Outcome o = run("--mix", "get=1", "--timeline", "/nonexistent-dir/timeline.csv");
    assertThat(o.exit()).isEqualTo(2);
    assertThat(o.err()).contains("--timeline /nonexistent-dir/timeline.csv: the directory");
  }
}
