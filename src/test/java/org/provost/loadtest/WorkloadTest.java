package org.provost.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkloadTest {
  private static Workload workload(String mix) {
    Mix m = Mix.parse(mix);
    Call check = new Call(Endpoint.CHECK, Call.encode("GET", "h", "/v1/check", null, null));
    Call list = new Call(Endpoint.LIST, Call.encode("GET", "h", "/v1/users", null, null));
    Call login = new Call(Endpoint.LOGIN, Call.encode("POST", "h", "/v1/sessions", null, "{}"));
    return Workload.of(m, Map.of(Endpoint.CHECK, List.of(check), Endpoint.LIST, List.of(list), Endpoint.LOGIN,
        List.of(login)));
  }

  /**
   * check=1,list=1 alternates, so dealing requests over two loops by their number would send every check to
   * one loop and every listing to the other, leaving half of each class's connections idle.
   */
  @Test
  void loopOf_dealsEachClassEvenlyOverTheLoops_evenWhenTheCycleWouldAliasWithThem() {
    Workload w = workload("check=1,list=1");
    int[][] perLoopAndClass = new int[2][TrafficClass.values().length];
    for (long i = 0; i < 1_000; i++) perLoopAndClass[w.loopOf(i, 2)][w.endpoint(i).trafficClass().ordinal()]++;
    for (int loop = 0; loop < 2; loop++) {
      assertThat(perLoopAndClass[loop][TrafficClass.MEMORY.ordinal()]).isEqualTo(250);
      assertThat(perLoopAndClass[loop][TrafficClass.SQL.ordinal()]).isEqualTo(250);
    }
  }

  @Test
  void loopOf_spreadsARareClassToo_andOneLoopTakesEverything() {
    Workload w = workload("check=90,list=9,login=1");
    int[][] perLoopAndClass = new int[3][TrafficClass.values().length];
    for (long i = 0; i < 3_000; i++) perLoopAndClass[w.loopOf(i, 3)][w.endpoint(i).trafficClass().ordinal()]++;
    for (int loop = 0; loop < 3; loop++) {
      assertThat(perLoopAndClass[loop][TrafficClass.HASH.ordinal()]).isEqualTo(10);
      assertThat(perLoopAndClass[loop][TrafficClass.SQL.ordinal()]).isEqualTo(90);
      assertThat(perLoopAndClass[loop][TrafficClass.MEMORY.ordinal()]).isEqualTo(900);
    }
    for (long i = 0; i < 100; i++) assertThat(w.loopOf(i, 1)).isZero();
  }

  @Test
  void classes_ofAMix_includeWhatFollowsItsScenarios() {
    assertThat(Mix.parse("check=1,me=1").classes()).containsExactly(TrafficClass.MEMORY);
    assertThat(Mix.parse("grant=1").classes()).containsExactly(TrafficClass.SQL);
    assertThat(Mix.parse(Mix.DEFAULT).classes())
        .containsExactly(TrafficClass.MEMORY, TrafficClass.SQL, TrafficClass.HASH);
    assertThat(Mix.parse("get=1").classes()).containsExactly(TrafficClass.MEMORY);
  }
}
