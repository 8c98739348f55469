package org.provost.loadtest;

import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * How many keep-alive connections each traffic class opens ({@code --connections}): by default
 * {@link #defaultFor}, or one number that every class the mix uses gets ({@code 64}), or per class
 * ({@code memory=64,sql=32,hash=8}; a class not named keeps its default). Immutable.
 */
public final class Connections {
  static final int MAX = 10_000;

  private final Map<TrafficClass, Integer> perClass;

  private Connections(Map<TrafficClass, Integer> perClass) {
    this.perClass = perClass;
  }

  /**
   * The default of class {@code c}: enough that the server, not the load generator's own queue, decides
   * what waits and what is refused. memory 64: answers take microseconds to milliseconds (the single shared
   * set had 64). sql 512: the server's SQL lane runs 8 requests at once on 2 cores (2 x cores reads and the
   * writes' share, at most the pool's size) and queues what
   * 250 ms of arrivals bring, about 230 at the 4,000 req/s of the default mix's overload run and 300 at the
   * 1,200 SQL requests/s of the two-instance 20,000 req/s mix; with fewer connections the generator would
   * hold the overload in its own queue, where it times out instead of being refused (with 64, the
   * overload run's listings waited 5.8 s on average in the generator while the server refused no SQL
   * request). hash 64: the
   * hash lane hashes on half the cores and queues 32.
   */
  public static int defaultFor(TrafficClass c) {
    return switch (c) {
      case MEMORY, HASH -> 64;
      case SQL -> 512;
    };
  }

  /** Each class at its {@link #defaultFor default}. */
  public static Connections defaults() {
    Map<TrafficClass, Integer> m = new EnumMap<>(TrafficClass.class);
    for (TrafficClass c : TrafficClass.values()) m.put(c, defaultFor(c));
    return new Connections(m);
  }

  /** The same number for every class. */
  public static Connections each(int n) {
    Map<TrafficClass, Integer> m = new EnumMap<>(TrafficClass.class);
    for (TrafficClass c : TrafficClass.values()) m.put(c, check(c.label(), n));
    return new Connections(m);
  }

  /**
   * Parses {@code N} or {@code class=N,...}; null means {@link #defaults()}. A bad spec throws
   * IllegalArgumentException whose message names {@code --connections} and the fault.
   */
  public static Connections parse(String spec) {
    if (spec == null) return defaults();
    if (spec.isBlank()) throw bad("is empty; expected e.g. 64 or memory=64,sql=32,hash=8");
    String s = spec.strip();
    if (s.indexOf('=') < 0) return each(number("", s));
    Map<TrafficClass, Integer> m = new EnumMap<>(TrafficClass.class);
    for (String part : s.split(",", -1)) {
      String item = part.strip();
      int eq = item.indexOf('=');
      if (eq < 0) throw bad("entry '" + item + "' is not class=count");
      String name = item.substring(0, eq).strip();
      TrafficClass c = java.util.Arrays.stream(TrafficClass.values()).filter(t -> t.label().equals(name))
          .findFirst().orElseThrow(() -> bad("unknown class '" + name + "' (known: memory, sql, hash)"));
      if (m.containsKey(c)) throw bad("names '" + name + "' twice");
      m.put(c, number(name, item.substring(eq + 1).strip()));
    }
    for (TrafficClass c : TrafficClass.values()) m.putIfAbsent(c, defaultFor(c));
    return new Connections(m);
  }

  private static int number(String name, String raw) {
    try {
      return check(name, Integer.parseInt(raw));
    } catch (NumberFormatException e) {
      throw bad((name.isEmpty() ? "" : "count of '" + name + "' ") + "must be a whole number, got '" + raw + "'");
    }
  }

  private static int check(String name, int n) {
    if (n < 1 || n > MAX) {
      throw bad((name.isEmpty() ? "" : "count of '" + name + "' ") + "must be between 1 and " + MAX + ", got " + n);
    }
    return n;
  }

  private static IllegalArgumentException bad(String why) {
    return new IllegalArgumentException("--connections " + why);
  }

  /** Connections of class {@code c}, whether or not the mix uses it. */
  public int of(TrafficClass c) {
    return perClass.get(c);
  }

  /** Connections per class the mix uses, in class order (what a run opens). */
  public Map<TrafficClass, Integer> used(Mix mix) {
    Map<TrafficClass, Integer> m = new EnumMap<>(TrafficClass.class);
    for (TrafficClass c : mix.classes()) m.put(c, perClass.get(c));
    return m;
  }

  /** All the connections a run of {@code mix} opens. */
  public int total(Mix mix) {
    return used(mix).values().stream().mapToInt(Integer::intValue).sum();
  }

  /** {@code memory=64,sql=64} for the classes {@code mix} uses. */
  public String describe(Mix mix) {
    return used(mix).entrySet().stream().map(e -> e.getKey().label() + "=" + e.getValue())
        .collect(Collectors.joining(","));
  }

  @Override
  public String toString() {
    return perClass.entrySet().stream().map(e -> e.getKey().label() + "=" + e.getValue())
        .collect(Collectors.joining(","));
  }
}
