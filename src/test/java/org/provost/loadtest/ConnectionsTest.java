package org.provost.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ConnectionsTest {
  @Test
  void oneNumber_isEveryClassUsedByTheMix() {
    Connections c = Connections.parse("16");
    Mix mix = Mix.parse(Mix.DEFAULT);
    assertThat(c.used(mix)).containsExactly(Map.entry(TrafficClass.MEMORY, 16), Map.entry(TrafficClass.SQL, 16),
        Map.entry(TrafficClass.HASH, 16));
    assertThat(c.total(mix)).isEqualTo(48);
    assertThat(c.total(Mix.parse("check=1,me=1"))).isEqualTo(16);
    assertThat(c.describe(Mix.parse("grant=1,me=1"))).isEqualTo("memory=16,sql=16");
  }

  @Test
  void perClass_namesSome_theOthersTakeTheDefault() {
    Connections c = Connections.parse(" sql=8 , hash=2");
    assertThat(c.of(TrafficClass.SQL)).isEqualTo(8);
    assertThat(c.of(TrafficClass.HASH)).isEqualTo(2);
    assertThat(c.of(TrafficClass.MEMORY)).isEqualTo(64);
  }

  @Test
  void defaults_giveTheSqlClassMoreThanTheServersSqlLaneAdmits() {
    Connections c = Connections.parse(null);
    assertThat(c.used(Mix.parse(Mix.DEFAULT))).containsExactly(Map.entry(TrafficClass.MEMORY, 64),
        Map.entry(TrafficClass.SQL, 512), Map.entry(TrafficClass.HASH, 64));
    assertThat(c.total(Mix.parse("get=1"))).isEqualTo(64);
    assertThat(Connections.parse("memory=32").of(TrafficClass.SQL)).isEqualTo(512);
  }

  @Test
  void badSpecs_nameTheOptionAndTheFault() {
    assertThatThrownBy(() -> Connections.parse("0")).hasMessage("--connections must be between 1 and 10000, got 0");
    assertThatThrownBy(() -> Connections.parse("db=4")).hasMessage(
        "--connections unknown class 'db' (known: memory, sql, hash)");
    assertThatThrownBy(() -> Connections.parse("sql=4,sql=5")).hasMessage("--connections names 'sql' twice");
    assertThatThrownBy(() -> Connections.parse("sql=many")).hasMessage(
        "--connections count of 'sql' must be a whole number, got 'many'");
    assertThatThrownBy(() -> Connections.parse("sql=4,8")).hasMessage("--connections entry '8' is not class=count");
    assertThatThrownBy(() -> Connections.parse(" ")).hasMessageStartingWith("--connections is empty");
  }
}
