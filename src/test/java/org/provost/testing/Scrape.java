package org.provost.testing;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One scrape of {@code /metrics} in the Prometheus text format, parsed into series for tests. */
public final class Scrape {
  private static final Pattern LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+(\\S+)$");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  /** One series: its metric name, labels and value. */
  public record Series(String name, Map<String, String> labels, double value) {}

  private final List<Series> series = new ArrayList<>();
  public final String text;

  public Scrape(String text) {
    this.text = text;
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) continue;
      Matcher m = LINE.matcher(line.trim());
      if (!m.matches()) throw new AssertionError("not a Prometheus sample line: " + line);
      Map<String, String> labels = new LinkedHashMap<>();
      if (m.group(3) != null) {
        Matcher l = LABEL.matcher(m.group(3));
        while (l.find()) labels.put(l.group(1), l.group(2));
      }
      series.add(new Series(m.group(1), labels, Double.parseDouble(m.group(4))));
    }
  }

  /** Scrapes {@code server}'s {@code /metrics}; throws AssertionError unless it answers 200. */
  public static Scrape of(TestServer server) {
    return of(server.http);
  }

  /** Scrapes the {@link ProvostServer}'s {@code /metrics}, as {@link #of(TestServer)}. */
  public static Scrape of(ProvostServer server) {
    return of(server.http);
  }

  private static Scrape of(Http http) {
    Http.Response r = http.get("/metrics", null);
    if (r.status() != 200) throw new AssertionError("/metrics answered " + r);
    return new Scrape(r.body());
  }

  /** Every metric name with at least one series. */
  public Set<String> names() {
    Set<String> out = new HashSet<>();
    for (Series s : series) out.add(s.name());
    return out;
  }

  /** The series of {@code name} whose labels include {@code labels} (name, value pairs). */
  public List<Series> find(String name, String... labels) {
    List<Series> out = new ArrayList<>();
    outer:
    for (Series s : series) {
      if (!s.name().equals(name)) continue;
      for (int i = 0; i + 1 < labels.length; i += 2) {
        if (!labels[i + 1].equals(s.labels().get(labels[i]))) continue outer;
      }
      out.add(s);
    }
    return out;
  }

  /** The sum of the matching series' values (0 when there is none). */
  public double sum(String name, String... labels) {
    double total = 0;
    for (Series s : find(name, labels)) total += s.value();
    return total;
  }
}
