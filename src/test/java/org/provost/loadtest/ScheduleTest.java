package org.provost.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ScheduleTest {
  @Test
  void withoutWarmup_requestsAreEvenlySpacedAtTheRate() {
    Schedule s = new Schedule(1_000, 1_000, 0, 2);
    assertThat(s.total()).isEqualTo(2_000);
    assertThat(s.at(0)).isEqualTo(1_000);
    assertThat(s.at(1)).isEqualTo(1_000 + 1_000_000);
    assertThat(s.at(1_999)).isEqualTo(1_000 + 1_999_000_000L);
    assertThat(s.measured(0)).isTrue();
  }

  @Test
  void warmup_rampsFromZeroToTheRate_thenMeasuresDurationTimesRate() {
    Schedule s = new Schedule(0, 1_000, 4, 10);
    assertThat(s.warmupCount()).isEqualTo(2_000);
    assertThat(s.measuredCount()).isEqualTo(10_000);
    assertThat(s.at(s.warmupCount())).isEqualTo(4_000_000_000L);
    assertThat(s.measuredStart()).isEqualTo(4_000_000_000L);
    assertThat(s.measured(1_999)).isFalse();
    assertThat(s.measured(2_000)).isTrue();
    // a quarter of the warm-up requests go out in its first half: the rate is still low then
    assertThat(s.at(500)).isEqualTo(2_000_000_000L);
    for (long i = 1; i < s.total(); i++) assertThat(s.at(i)).isGreaterThanOrEqualTo(s.at(i - 1));
  }
}
