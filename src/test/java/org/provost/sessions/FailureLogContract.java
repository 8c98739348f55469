package org.provost.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * What {@link LoginThrottle} relies on from every {@link FailureLog}: failures per key and kind, the latest
 * ones first cut to a maximum, forgotten on clear and after the window; trusted addresses, newest kept.
 * Time is the {@code now} each call takes: no sleeps.
 */
abstract class FailureLogContract {
  static final long WINDOW = 300_000;
  static final int KEEP = 6;
  static final long T0 = 1_788_249_600_000L;

  /** A log with window {@link #WINDOW} keeping {@link #KEEP} failures per key, new for each test. */
  abstract FailureLog log();

  @Test
  void failuresAreCountedPerKindAndKey_latestLast_cutToTheMaximumAsked() {
    FailureLog log = log();
    for (int i = 0; i < 4; i++) log.add(FailureLog.Kind.ACCOUNT, "id:1", T0 + i);
    log.add(FailureLog.Kind.ADDRESS, "id:1", T0);
    assertThat(log.since(FailureLog.Kind.ACCOUNT, "id:1", T0 - WINDOW, 10)).containsExactly(T0, T0 + 1, T0 + 2, T0 + 3);
    assertThat(log.since(FailureLog.Kind.ACCOUNT, "id:1", T0 - WINDOW, 2)).containsExactly(T0 + 2, T0 + 3);
    assertThat(log.since(FailureLog.Kind.ADDRESS, "id:1", T0 - WINDOW, 10)).containsExactly(T0);
    assertThat(log.since(FailureLog.Kind.ACCOUNT, "id:2", T0 - WINDOW, 10)).isEmpty();
  }

  @Test
  void twoFailuresInOneMillisecond_countTwice_andNoMoreThanKeepAreKept() {
    FailureLog log = log();
    log.add(FailureLog.Kind.PAIR, "id:1|10.0.0.1", T0);
    log.add(FailureLog.Kind.PAIR, "id:1|10.0.0.1", T0);
    assertThat(log.since(FailureLog.Kind.PAIR, "id:1|10.0.0.1", T0 - 1, 10)).hasSize(2);
    for (int i = 1; i <= 20; i++) log.add(FailureLog.Kind.UNKNOWN, "login:x", T0 + i);
    assertThat(log.since(FailureLog.Kind.UNKNOWN, "login:x", T0 - WINDOW, 100)).hasSize(KEEP).endsWith(T0 + 20);
  }

  @Test
  void failuresOlderThanTheCutOff_areNotCounted_andClearForgetsAll() {
    FailureLog log = log();
    log.add(FailureLog.Kind.ADDRESS, "10.0.0.2", T0);
    log.add(FailureLog.Kind.ADDRESS, "10.0.0.2", T0 + WINDOW / 2);
    assertThat(log.since(FailureLog.Kind.ADDRESS, "10.0.0.2", T0 + WINDOW - WINDOW, 10)).containsExactly(T0 + WINDOW / 2);
    assertThat(log.since(FailureLog.Kind.ADDRESS, "10.0.0.2", T0 + WINDOW / 2, 10)).isEmpty();
    log.clear(FailureLog.Kind.ADDRESS, "10.0.0.2");
    assertThat(log.since(FailureLog.Kind.ADDRESS, "10.0.0.2", T0 - WINDOW, 10)).isEmpty();
  }

  @Test
  void trustedAddresses_keepTheNewest() {
    FailureLog log = log();
    assertThat(log.trusted("id:7", "10.0.0.1")).isFalse();
    for (int i = 1; i <= 5; i++) log.trust("id:7", "10.0.0." + i, T0 + i, 4);
    log.trust("id:7", "10.0.0.2", T0 + 6, 4); // used again: newest now
    log.trust("id:7", "10.0.0.9", T0 + 7, 4);
    assertThat(log.trusted("id:7", "10.0.0.1")).isFalse();
    assertThat(log.trusted("id:7", "10.0.0.3")).isFalse();
    assertThat(log.trusted("id:7", "10.0.0.2")).isTrue();
    assertThat(log.trusted("id:7", "10.0.0.9")).isTrue();
    assertThat(log.trusted("id:8", "10.0.0.9")).isFalse();
  }
}
