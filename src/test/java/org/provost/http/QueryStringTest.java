package org.provost.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QueryStringTest {
  @Test
  void get_findsExactNames_notPrefixesOrSuffixes() {
    String q = "subjects=x&subject=ada&permission=grades.write&xresource=no&resource=offering%3ACS101%2F2026-fall";
    assertThat(QueryString.get(q, "subject")).isEqualTo("ada");
    assertThat(QueryString.get(q, "permission")).isEqualTo("grades.write");
    assertThat(QueryString.get(q, "resource")).isEqualTo("offering:CS101/2026-fall");
    assertThat(QueryString.get(q, "missing")).isNull();
  }

  @Test
  void get_emptyAndBareValues_areNull_andPlusIsSpace() {
    assertThat(QueryString.get("a=&b", "a")).isNull();
    assertThat(QueryString.get("a=&b", "b")).isNull();
    assertThat(QueryString.get("q=ada+lovelace", "q")).isEqualTo("ada lovelace");
    assertThat(QueryString.get(null, "q")).isNull();
    assertThat(QueryString.get("q=100%", "q")).isEqualTo("100%");
  }

  @Test
  void get_firstOccurrenceWins() {
    assertThat(QueryString.get("a=1&a=2", "a")).isEqualTo("1");
  }
}
