package org.provost.provisioning;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** The academic calendar: spring (Jan 12 - May 8), summer (May 26 - Aug 7), fall (Aug 25 - Dec 12). */
final class Terms {
  private static final String[] SEASONS = {"spring", "summer", "fall"};
  private static final int[][] DATES = {{1, 12, 5, 8}, {5, 26, 8, 7}, {8, 25, 12, 12}};

  private Terms() {}

  /** A term; grants for it are valid from its first day (00:00 UTC) until the day after its last. */
  record Term(String code, String name, LocalDate startsOn, LocalDate endsOn) {
    Instant validFrom() {
      return startsOn.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    Instant validUntil() {
      return endsOn.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    }
  }

  /**
   * {@code n} consecutive terms ending with the current one: the term in progress on {@code today}, or
   * between terms the next to start.
   */
  static List<Term> endingAt(LocalDate today, int n) {
    int current = today.getYear() * 3 - 3;
    while (term(current).endsOn().isBefore(today)) current++;
    List<Term> out = new ArrayList<>(n);
    for (int ordinal = current - n + 1; ordinal <= current; ordinal++) out.add(term(ordinal));
    return out;
  }

  /** Term number {@code ordinal} = year * 3 + season. */
  static Term term(int ordinal) {
    int year = Math.floorDiv(ordinal, 3);
    int season = Math.floorMod(ordinal, 3);
    int[] d = DATES[season];
    String name = Character.toUpperCase(SEASONS[season].charAt(0)) + SEASONS[season].substring(1) + " " + year;
    return new Term(year + "-" + SEASONS[season], name, LocalDate.of(year, d[0], d[1]),
        LocalDate.of(year, d[2], d[3]));
  }
}
