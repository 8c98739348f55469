package org.provost.loadtest;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Latencies (microseconds, from the scheduled send time) and outcomes per endpoint. Event loops record
 * concurrently; one sampler thread takes a per-second interval and folds it into the totals.
 */
final class Stats {
  /** Outcomes that are not an HTTP status. */
  static final int TIMEOUT = -1;
  static final int CONNECTION = -2;
  static final int MALFORMED = -3;
  private static final int SIGNIFICANT_DIGITS = 3;

  private final Map<Endpoint, Tally> tallies = new EnumMap<>(Endpoint.class);

  Stats() {
    for (Endpoint e : Endpoint.values()) tallies.put(e, new Tally());
  }

  /** Records one finished request: a 2xx status is a success, anything else (or a negative code) an error. */
  void record(Endpoint endpoint, long latencyNanos, int outcome) {
    Tally t = tallies.get(endpoint);
    t.recorder.recordValue(Math.max(1, latencyNanos / 1_000));
    if (outcome >= 200 && outcome < 300) {
      t.ok.increment();
    } else {
      t.outcomes.incrementAndGet(slot(outcome));
    }
  }

  private static int slot(int outcome) {
    return outcome >= 0 && outcome < 600 ? outcome : 600 - outcome;
  }

  /** Latencies and counts since the previous sample, per endpoint; folds them into the totals. */
  Map<Endpoint, Interval> sample() {
    Map<Endpoint, Interval> sample = new EnumMap<>(Endpoint.class);
    tallies.forEach((endpoint, t) -> {
      Histogram h = t.recorder.getIntervalHistogram();
      long errors = t.errorCount();
      sample.put(endpoint, new Interval(h, errors - t.errorsAtLastSample));
      t.errorsAtLastSample = errors;
      t.total.add(h);
    });
    return sample;
  }

  /** All latencies sampled so far. */
  Histogram total(Endpoint e) {
    return tallies.get(e).total;
  }

  long ok(Endpoint e) {
    return tallies.get(e).ok.sum();
  }

  /** Errors by kind ({@code status_404}, {@code timeout}, {@code connection}, {@code malformed}), sorted. */
  Map<String, Long> errors(Endpoint e) {
    AtomicLongArray outcomes = tallies.get(e).outcomes;
    Map<String, Long> errors = new LinkedHashMap<>();
    for (int i = 0; i < outcomes.length(); i++) {
      long n = outcomes.get(i);
      if (n > 0) errors.put(label(i), n);
    }
    return errors;
  }

  private static String label(int slot) {
    if (slot < 600) return "status_" + slot;
    return switch (600 - slot) {
      case TIMEOUT -> "timeout";
      case CONNECTION -> "connection";
      default -> "malformed";
    };
  }

  /** One endpoint's second: its latencies and how many of them were errors. */
  record Interval(Histogram latencies, long errors) {
    long count() {
      return latencies.getTotalCount();
    }
  }

  private static final class Tally {
    final Recorder recorder = new Recorder(SIGNIFICANT_DIGITS);
    final Histogram total = new Histogram(SIGNIFICANT_DIGITS);
    final LongAdder ok = new LongAdder();
    final AtomicLongArray outcomes = new AtomicLongArray(600 + 4);
    long errorsAtLastSample;

    long errorCount() {
      long n = 0;
      for (int i = 0; i < outcomes.length(); i++) n += outcomes.get(i);
      return n;
    }
  }
}
