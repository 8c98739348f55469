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
  private final Map<String, String> values;

  private Settings(Map<String, String> values) {
    this.values = values;
  }

  static Settings load(Map<String, String> env) {
    Map<String, String> merged = new HashMap<>();
    String file = env.get("PROVOST_CONFIG_FILE");
    if (file != null && !file.isBlank()) {
      Properties props = new Properties();
      try (Reader reader = Files.newBufferedReader(Path.of(file))) {
        props.load(reader);
      } catch (IOException e) {
        throw new ConfigException("PROVOST_CONFIG_FILE", file, "cannot be read (" + e.getMessage() + ")");
      }
      props.forEach((k, v) -> merged.put(k.toString().trim(), v.toString().trim()));
    }
    env.forEach((k, v) -> {
      if (k.startsWith("PROVOST_")) merged.put(k, v);
    });
    return new Settings(merged);
  }

  Optional<String> string(String key) {
    String v = values.get(key);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
  }

  /** A comma-separated list; blank entries dropped. */
  java.util.Set<String> list(String key, String defaultValue) {
    java.util.Set<String> out = new java.util.LinkedHashSet<>();
    for (String part : string(key).orElse(defaultValue).split(",")) {
      if (!part.isBlank()) out.add(part.trim());
    }
    return java.util.Set.copyOf(out);
  }

  int integer(String key, int defaultValue, int min, int max) {
    Optional<String> raw = string(key);
    if (raw.isEmpty()) return defaultValue;
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
    if (raw.isEmpty()) return defaultValue;
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
