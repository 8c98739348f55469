package org.provost.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressTest {
  @Test
  void onATerminal_aBarIsRedrawnInPlace_andEndsWithTheFullCount() {
    StringWriter text = new StringWriter();
    Progress bar = Progress.to(new PrintWriter(text), true);
    bar.begin("users: copy", 2000);
    bar.advance(1000);
    bar.end();
    String out = text.toString();
    assertThat(out).startsWith("\r").endsWith("\n").doesNotContain("\n\r");
    assertThat(out).contains("users: copy", "[", "  0%  0/2,000").contains("100%  2,000/2,000");
  }

  @Test
  void elsewhere_eachPhaseIsOnePlainLine() {
    StringWriter text = new StringWriter();
    Progress lines = Progress.to(new PrintWriter(text), false);
    lines.begin("directory", 2400);
    lines.advance(1200);
    lines.end();
    lines.begin("users and roles", 0);
    lines.end();
    assertThat(text.toString().lines().toList()).hasSize(2)
        .allSatisfy(l -> assertThat(l).startsWith("provost: ").doesNotContain("\r"));
    assertThat(text.toString()).contains("provost: directory: 2,400 in ", "provost: users and roles: done in ");
  }

  @Test
  void aFailedPhase_saysSo_andAFailureOutsideAPhaseSaysNothing() {
    StringWriter lines = new StringWriter();
    Progress plain = Progress.to(new PrintWriter(lines), false);
    plain.begin("users: copy", 10);
    plain.fail();
    plain.fail();
    assertThat(lines.toString().lines().toList()).singleElement().asString()
        .startsWith("provost: users: copy: failed after ");

    StringWriter drawn = new StringWriter();
    Progress bar = Progress.to(new PrintWriter(drawn), true);
    bar.begin("schema", 0);
    bar.fail();
    String out = drawn.toString();
    bar.fail();
    assertThat(drawn.toString()).isEqualTo(out).endsWith("\n").contains("schema");
  }
}
