package org.provost.loadtest;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The scenario mix of {@code --mix}, e.g. {@code check=60,me=20}: relative weights, not necessarily
 * summing to 100. Requests follow the weights exactly, evenly interleaved, in a fixed order.
 */
public final class Mix {
  /**
   * The default mix, per mille: logins are 0.5%, so at 2,000 req/s the run logs in 10 people a second,
   * the first-period peak of the seeded campus (13,500 people, each logging in a few times a day; everyone
   * within a quarter of an hour is 15/s). At 2% (the old default) it was 40/s, a login storm no campus of
   * that size sees, and the hash lane, not the service, set the result (docs/LOADTEST.md).
   */
  public static final String DEFAULT = "check=615,me=200,list=80,search=50,login=5,grant=50";
  private static final int MAX_WEIGHT = 1_000;

  private final Map<Endpoint, Integer> weights;
  private final int total;

  private Mix(Map<Endpoint, Integer> weights) {
    this.weights = weights;
    this.total = weights.values().stream().mapToInt(Integer::intValue).sum();
  }

  /** Parses a mix; a bad one throws IllegalArgumentException whose message names {@code --mix} and the fault. */
  public static Mix parse(String spec) {
    if (spec == null || spec.isBlank()) throw bad("is empty; expected e.g. " + DEFAULT);
    Map<Endpoint, Integer> weights = new EnumMap<>(Endpoint.class);
    for (String part : spec.split(",", -1)) {
      String item = part.strip();
      int eq = item.indexOf('=');
      if (item.isEmpty()) throw bad("has an empty entry in '" + spec + "'");
      if (eq < 0) throw bad("entry '" + item + "' is not name=weight");
      String name = item.substring(0, eq).strip();
      String raw = item.substring(eq + 1).strip();
      Endpoint endpoint = Endpoint.scenario(name).orElseThrow(() -> bad("unknown scenario '" + name
          + "' (known: " + Endpoint.scenarioLabels() + ")"));
      if (weights.containsKey(endpoint)) throw bad("names '" + name + "' twice");
      int weight;
      try {
        weight = Integer.parseInt(raw);
      } catch (NumberFormatException e) {
        throw bad("weight of '" + name + "' must be a whole number, got '" + raw + "'");
      }
      if (weight < 0 || weight > MAX_WEIGHT) {
        throw bad("weight of '" + name + "' must be between 0 and " + MAX_WEIGHT + ", got " + weight);
      }
      weights.put(endpoint, weight);
    }
    weights.values().removeIf(w -> w == 0);
    if (weights.isEmpty()) throw bad("gives every scenario weight 0");
    return new Mix(weights);
  }

  private static IllegalArgumentException bad(String why) {
    return new IllegalArgumentException("--mix " + why);
  }

  public boolean uses(Endpoint e) {
    return weights.containsKey(e);
  }

  /** The share of all scheduled requests that go to {@code e}; a revoke follows each grant. */
  public double share(Endpoint e) {
    Integer w = weights.get(e == Endpoint.REVOKE ? Endpoint.GRANT : e);
    return w == null ? 0 : (double) w / total;
  }

  /**
   * The traffic classes of the scenarios the mix uses and of what follows them (a revoke after a grant), in
   * class order: each gets connections of its own.
   */
  public Set<TrafficClass> classes() {
    Set<TrafficClass> classes = EnumSet.noneOf(TrafficClass.class);
    for (Endpoint e : weights.keySet()) classes.add(e.trafficClass());
    if (uses(Endpoint.GRANT)) classes.add(Endpoint.REVOKE.trafficClass());
    return classes;
  }

  boolean needsApi() {
    return weights.keySet().stream().anyMatch(Endpoint::needsApi);
  }

  /**
   * One cycle of scenarios, as long as the sum of the weights, in which each scenario appears as often as its
   * weight, spread out evenly (smooth weighted round robin, as nginx balances upstreams).
   */
  Endpoint[] cycle() {
    List<Endpoint> order = new ArrayList<>(weights.keySet());
    int[] current = new int[order.size()];
    Endpoint[] cycle = new Endpoint[total];
    for (int slot = 0; slot < total; slot++) {
      int best = 0;
      for (int k = 0; k < order.size(); k++) {
        current[k] += weights.get(order.get(k));
        if (current[k] > current[best]) best = k;
      }
      current[best] -= total;
      cycle[slot] = order.get(best);
    }
    return cycle;
  }

  @Override
  public String toString() {
    return weights.entrySet().stream().map(e -> e.getKey().label() + "=" + e.getValue())
        .collect(Collectors.joining(","));
  }
}
