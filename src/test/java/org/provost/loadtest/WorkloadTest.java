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

  /**
   * Issue 13 item 6: a grant whose revoke failed (refused under overload, timed out) stays; a scenario that
   * cycled through a fixed set of grants met it again later in the run and counted the 409 duplicate as an
   * error. No two grants of a run are the same request, however long the run.
   */
  @Test
  void grants_neverRepeatWithinARun() {
    Plan plan = new Plan(java.net.URI.create("http://127.0.0.1:8080"), 100, 1, 0, Connections.each(1),
        Mix.parse("grant=1"), 3, "admin", "pw", "pw", "/", java.time.Duration.ofSeconds(5), "teaching_assistant",
        null).check();
    List<Pool.Member> pool = List.of(new Pool.Member(11, "student000001", "t1"),
        new Pool.Member(12, "student000002", "t2"), new Pool.Member(13, "faculty000001", "t3"));
    Workload w = Workload.of(plan, Fixtures.of("admin-token", pool, "teaching_assistant", "offering:CS101/2026-fall"));

    java.util.Set<String> seen = new java.util.HashSet<>();
    java.util.Map<String, Integer> perUser = new java.util.HashMap<>();
    int n = 3 * 64 * 4;
    for (long i = 0; i < n; i++) {
      Call c = w.call(i);
      assertThat(c.endpoint()).isEqualTo(Endpoint.GRANT);
      String request = c.bytes().toString();
      assertThat(seen.add(request)).as("grant %d repeats an earlier one", i).isTrue();
      perUser.merge(request.substring(0, request.indexOf(" HTTP/1.1")), 1, Integer::sum);
    }
    // spread evenly over the pool, each answer followed by its revoke
    assertThat(perUser).containsOnly(Map.entry("POST /v1/users/11/grants", n / 3),
        Map.entry("POST /v1/users/12/grants", n / 3), Map.entry("POST /v1/users/13/grants", n / 3));
    Call revoke = w.call(0).followUp().after(io.vertx.core.buffer.Buffer.buffer("{\"id\":42}"));
    assertThat(revoke.endpoint()).isEqualTo(Endpoint.REVOKE);
    assertThat(revoke.bytes().toString()).startsWith("DELETE /v1/grants/42 HTTP/1.1");
  }
}
