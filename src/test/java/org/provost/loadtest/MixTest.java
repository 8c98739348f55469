package org.provost.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MixTest {
  @Test
  void defaultMix_cycleHoldsEachScenarioAsOftenAsItsWeight() {
    Endpoint[] cycle = Mix.parse(Mix.DEFAULT).cycle();
    Map<Endpoint, Integer> counts = new EnumMap<>(Endpoint.class);
    for (Endpoint e : cycle) counts.merge(e, 1, Integer::sum);
    assertThat(cycle).hasSize(1000);
    assertThat(counts).containsExactlyInAnyOrderEntriesOf(Map.of(Endpoint.CHECK, 615, Endpoint.ME, 200,
        Endpoint.LIST, 80, Endpoint.SEARCH, 50, Endpoint.LOGIN, 5, Endpoint.GRANT, 50));
  }

  @Test
  void cycle_spreadsAScenarioEvenlyInsteadOfBunchingIt() {
    Endpoint[] cycle = Mix.parse("check=75,me=25").cycle();
    for (int i = 0; i + 4 <= cycle.length; i += 4) {
      assertThat(Arrays.stream(cycle, i, i + 4).filter(e -> e == Endpoint.ME).count()).isEqualTo(1);
    }
  }

  @Test
  void share_ofRevokeFollowsGrant_andWeightsNeedNotSumTo100() {
    Mix mix = Mix.parse("check=3, grant=1");
    assertThat(mix.share(Endpoint.CHECK)).isEqualTo(0.75);
    assertThat(mix.share(Endpoint.REVOKE)).isEqualTo(0.25);
    assertThat(mix.share(Endpoint.ME)).isZero();
    assertThat(mix.toString()).isEqualTo("check=3,grant=1");
  }

  @Test
  void zeroWeight_dropsTheScenario() {
    Mix mix = Mix.parse("get=100,check=0");
    assertThat(mix.uses(Endpoint.CHECK)).isFalse();
    assertThat(mix.needsApi()).isFalse();
  }

  @Test
  void badInput_isRejectedNamingTheFlagAndTheFault() {
    assertThatThrownBy(() -> Mix.parse("check=60,fetch=40")).hasMessageStartingWith("--mix")
        .hasMessageContaining("unknown scenario 'fetch'").hasMessageContaining("check, me, list");
    assertThatThrownBy(() -> Mix.parse("check=lots")).hasMessageStartingWith("--mix")
        .hasMessageContaining("weight of 'check' must be a whole number, got 'lots'");
    assertThatThrownBy(() -> Mix.parse("check=-1")).hasMessageStartingWith("--mix")
        .hasMessageContaining("between 0 and");
    assertThatThrownBy(() -> Mix.parse("check")).hasMessageStartingWith("--mix")
        .hasMessageContaining("'check' is not name=weight");
    assertThatThrownBy(() -> Mix.parse("check=1,check=2")).hasMessageStartingWith("--mix")
        .hasMessageContaining("twice");
    assertThatThrownBy(() -> Mix.parse("check=1,,me=1")).hasMessageStartingWith("--mix")
        .hasMessageContaining("empty entry");
    assertThatThrownBy(() -> Mix.parse("check=0")).hasMessageStartingWith("--mix")
        .hasMessageContaining("weight 0");
    assertThatThrownBy(() -> Mix.parse(" ")).hasMessageStartingWith("--mix").hasMessageContaining("empty");
  }

  @Test
  void revoke_isNotAScenarioOfItsOwn() {
    assertThatThrownBy(() -> Mix.parse("revoke=10")).hasMessageContaining("unknown scenario 'revoke'");
  }
}
