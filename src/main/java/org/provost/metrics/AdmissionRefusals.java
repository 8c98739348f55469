package org.provost.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@code provost_admission_refused_total{lane}}: requests refused at once (503 + Retry-After) because
 * their lane was full. The lanes are those of the design: {@code memory} (checks, /v1/me, session
 * validation), {@code sql} (admin reads and writes, imports) and {@code hash} (login, password change).
 * Registered at zero from start so dashboards and alerts have a series before the first refusal.
 */
public final class AdmissionRefusals {
  /** The lanes of the design, in the order of their tag values. */
  public enum Lane { MEMORY, SQL, HASH }

  private final Counter[] counters = new Counter[Lane.values().length];

  public AdmissionRefusals(MeterRegistry meters) {
    for (Lane lane : Lane.values()) {
      counters[lane.ordinal()] = Counter.builder("provost.admission.refused")
          .description("requests refused because their lane was full")
          .tag("lane", lane.name().toLowerCase(java.util.Locale.ROOT)).register(meters);
    }
  }

  /** Counts one refusal in {@code lane}. */
  public void refused(Lane lane) {
    counters[lane.ordinal()].increment();
  }
}
