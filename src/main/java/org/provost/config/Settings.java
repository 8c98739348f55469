package org.provost.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Raw key/value settings: the environment over an optional properties file; typed, checked reads. */
final class Settings {
  private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");
  /** PROVOST_* variables read outside {@link Config}: by the launcher and the CLI (and PROVOST_TEST_*, by tests). */
  static final java.util.Set<String> READ_ELSEWHERE = java.util.Set.of("PROVOST_CONFIG_FILE", "PROVOST_DEBUG",
      "PROVOST_JAVA_OPTS", "PROVOST_URL");
  private final Map<String, String> values;
  private final Map<String, String> origin;
  /** Every key read, in order, with its effective value ({@code null}: unset, no default). */
  private final Map<String, String> effective = new java.util.LinkedHashMap<>();

  private Settings(Map<String, String> values, Map<String, String> origin) {
    this.values = values;
    this.origin = origin;
  }

  static Settings load(Map<String, String> env) {
    Map<String, String> merged = new HashMap<>();
    Map<String, String> origin = new HashMap<>();
    String file = env.get("PROVOST_CONFIG_FILE");
    if (file != null && !file.isBlank()) {
      Properties props = new Properties();
      try (Reader reader = Files.newBufferedReader(Path.of(file))) {
        props.load(reader);
      } catch (IOException e) {
        throw new ConfigException("PROVOST_CONFIG_FILE", file, "cannot be read (" + e.getMessage() + ")");
      }
      props.forEach((k, v) -> {
        merged.put(k.toString().trim(), v.toString().trim());
        origin.put(k.toString().trim(), "the file " + file + " (PROVOST_CONFIG_FILE)");
      });
    }
    env.forEach((k, v) -> {
      if (k.startsWith("PROVOST_")) {
        merged.put(k, v);
        origin.put(k, "the environment");
      }
    });
    return new Settings(merged, origin);
  }

  Optional<String> string(String key) {
    String v = values.get(key);
    Optional<String> value = v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    effective.putIfAbsent(key, value.orElse(null));
    return value;
  }

  /**
   * Refuses what no reader asked for: a misspelt or retired setting is an error, not silently ignored. Call
   * after every setting was read. The message names the key, where it came from and the nearest known key,
   * never the value (it may be a password).
   */
  void refuseUnknown() {
    for (String key : new java.util.TreeSet<>(values.keySet())) {
      if (effective.containsKey(key) || READ_ELSEWHERE.contains(key) || key.startsWith("PROVOST_TEST_")) continue;
      String nearest = nearest(key);
      throw new ConfigException(key + " (from " + origin.getOrDefault(key, "the environment") + ") is not a Provost "
          + "setting" + (nearest != null ? "; did you mean " + nearest + "?" : "")
          + " Remove it; the settings are listed in the README");
    }
  }

  private String nearest(String key) {
    String best = null;
    int bestDistance = 4;
    for (String known : effective.keySet()) {
      int d = distance(key, known);
      if (d < bestDistance) {
        best = known;
        bestDistance = d;
      }
    }
    return best;
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) prev[j] = j;
    for (int i = 1; i <= a.length(); i++) {
      int[] cur = new int[b.length() + 1];
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      prev = cur;
    }
    return prev[b.length()];
  }

  /**
   * Every setting read, one {@code KEY=value} per line in the order read, secrets masked: what this process
   * runs with (defaults included), for the start-up log.
   */
  String describe() {
    StringBuilder out = new StringBuilder();
    effective.forEach((key, value) -> {
      String shown = value != null ? Secrets.mask(key, value) : "(default)";
      out.append("  ").append(key).append('=').append(shown).append('\n');
    });
    return out.toString();
  }

  /** A comma-separated list; blank entries dropped. */
  java.util.Set<String> list(String key, String defaultValue) {
    java.util.Set<String> out = new java.util.LinkedHashSet<>();
    if (string(key).isEmpty()) effective.put(key, defaultValue + " (default)");
    for (String part : string(key).orElse(defaultValue).split(",")) {
      if (!part.isBlank()) out.add(part.trim());
    }
    return java.util.Set.copyOf(out);
  }

  int integer(String key, int defaultValue, int min, int max) {
    Optional<String> raw = string(key);
    if (raw.isEmpty()) {
      effective.put(key, defaultValue + " (default)");
      return defaultValue;
    }
    try {
      long v = Long.parseLong(raw.get());
      if (v < min || v > max) {
        throw new ConfigException(key, raw.get(), "must be between " + min + " and " + max);
      }
      return (int) v;
    } catch (NumberFormatException e) {
      throw new ConfigException(key, raw.get(), "is not a whole number");
    }
  }

  /** Durations as {@code 30m}, {@code 12h}, {@code 500ms} or ISO-8601 ({@code PT30M}). */
  Duration duration(String key, Duration defaultValue) {
    Optional<String> raw = string(key);
    if (raw.isEmpty()) {
      effective.put(key, defaultValue + " (default)");
      return defaultValue;
    }
    String v = raw.get();
    Matcher m = SIMPLE_DURATION.matcher(v);
    Duration d;
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      d = switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    } else {
      try {
        d = Duration.parse(v);
      } catch (DateTimeParseException e) {
        throw new ConfigException(key, v, "is not a duration (use 30m, 12h, 500ms or PT30M)");
      }
    }
    if (d.isNegative() || d.isZero()) throw new ConfigException(key, v, "must be positive");
    return d;
  }
}
