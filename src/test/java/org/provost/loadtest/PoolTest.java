package org.provost.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.provost.cli.SeedCommand;
import picocli.CommandLine;

/** The product's own defaults agree (issue 8 item 9): the default pool exists after a default seed. */
class PoolTest {
  /** How many of each kind a plain {@code provost seed} creates, read from the command's own options. */
  static Map<String, Integer> seeded() {
    var spec = new CommandLine(new SeedCommand()).getCommandSpec();
    return Map.of("student", Integer.parseInt(spec.findOption("--students").defaultValue()),
        "faculty", Integer.parseInt(spec.findOption("--faculty").defaultValue()),
        "staff", Integer.parseInt(spec.findOption("--staff").defaultValue()));
  }

  @Test
  void everyNameOfTheDefaultPool_andOfLargerPools_isCreatedByTheDefaultSeed() {
    Map<String, Integer> seeded = seeded();
    var spec = new CommandLine(new org.provost.cli.LoadtestCommand()).getCommandSpec();
    int defaultPool = Integer.parseInt(spec.findOption("--users").defaultValue());
    for (int n : List.of(defaultPool, 1, 5, 1000, 13_000)) {
      List<String> names = Pool.usernames(n);
      assertThat(new HashSet<>(names)).as("distinct, pool of %d", n).hasSize(names.size());
      assertThat(names.size()).as("pool of %d", n).isEqualTo(Math.min(n, seeded.values().stream().mapToInt(i -> i).sum()));
      for (String name : names) {
        String kind = name.replaceAll("[0-9]+$", "");
        int number = Integer.parseInt(name.substring(kind.length()));
        assertThat(number).as("%s in a pool of %d", name, n).isBetween(1, seeded.get(kind));
      }
    }
  }
}
