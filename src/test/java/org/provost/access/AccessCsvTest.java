package org.provost.access;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The CSV cell rules (RFC 4180 quoting, formula neutralisation) and the Accept negotiation, as values. */
class AccessCsvTest {
  @Test
  void cells_thatSpreadsheetsWouldRunAsFormulas_getAnApostrophe() {
    assertThat(AccessCsv.cell("=1+2")).isEqualTo("'=1+2");
    assertThat(AccessCsv.cell("+1")).isEqualTo("'+1");
    assertThat(AccessCsv.cell("-1")).isEqualTo("'-1");
    assertThat(AccessCsv.cell("@SUM(A1)")).isEqualTo("'@SUM(A1)");
    assertThat(AccessCsv.cell("\t=1")).isEqualTo("'\t=1");
    assertThat(AccessCsv.cell("\r=1")).isEqualTo("\"'\r=1\"");
    assertThat(AccessCsv.cell("a=1")).isEqualTo("a=1");
  }

  @Test
  void cells_withCommasQuotesOrLineBreaks_areQuoted_quotesDoubled() {
    assertThat(AccessCsv.cell("a,b")).isEqualTo("\"a,b\"");
    assertThat(AccessCsv.cell("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
    assertThat(AccessCsv.cell("two\nlines")).isEqualTo("\"two\nlines\"");
    assertThat(AccessCsv.cell("=HYPERLINK(\"x\"),y")).isEqualTo("\"'=HYPERLINK(\"\"x\"\"),y\"");
    assertThat(AccessCsv.cell(null)).isEmpty();
    assertThat(AccessCsv.cell("plain")).isEqualTo("plain");
    // where ';' separates cells, an unquoted "x;=cmd" would put the formula in a cell of its own
    assertThat(AccessCsv.cell("x;=cmd|' /C calc'!A0")).isEqualTo("\"x;=cmd|' /C calc'!A0\"");
  }

  @Test
  void accept_choosesCsvOnlyWhenItIsNamedAndNotOutranked() {
    assertThat(AccessRoutes.prefersCsv("text/csv")).isTrue();
    assertThat(AccessRoutes.prefersCsv("text/csv, */*")).isTrue();
    assertThat(AccessRoutes.prefersCsv("TEXT/CSV; charset=utf-8")).isTrue();
    assertThat(AccessRoutes.prefersCsv("application/json;q=0.5, text/csv")).isTrue();
    assertThat(AccessRoutes.prefersCsv(null)).isFalse();
    assertThat(AccessRoutes.prefersCsv("*/*")).isFalse();
    assertThat(AccessRoutes.prefersCsv("application/json")).isFalse();
    assertThat(AccessRoutes.prefersCsv("text/csv;q=0")).isFalse();
    assertThat(AccessRoutes.prefersCsv("application/json, text/csv;q=0.5")).isFalse();
    assertThat(AccessRoutes.prefersCsv("text/csv;q=bad")).isFalse();
  }
}
