package org.provost.loadtest;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What one request exercises, and one row of the report. Every endpoint but {@code revoke} is a scenario
 * that {@code --mix} can name; a revoke follows each successful grant.
 */
public enum Endpoint {
  CHECK("GET /v1/check", TrafficClass.MEMORY),
  ME("GET /v1/me", TrafficClass.MEMORY),
  LIST("GET /v1/users?limit=50", TrafficClass.SQL),
  SEARCH("GET /v1/users?limit=50&q=", TrafficClass.SQL),
  LOGIN("POST /v1/sessions", TrafficClass.HASH),
  GRANT("POST /v1/users/{id}/grants", TrafficClass.SQL),
  REVOKE("DELETE /v1/grants/{id}", TrafficClass.SQL),
  GET("GET --path, no login", TrafficClass.MEMORY);

  private final String route;
  private final TrafficClass trafficClass;

  Endpoint(String route, TrafficClass trafficClass) {
    this.route = route;
    this.trafficClass = trafficClass;
  }

  /** Which of the load generator's connection sets carries this endpoint's requests. */
  public TrafficClass trafficClass() {
    return trafficClass;
  }

  /** The name used in {@code --mix}, the report and the JSON. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public String route() {
    return route;
  }

  boolean schedulable() {
    return this != REVOKE;
  }

  /** Whether the scenario talks to the Provost API (everything except the raw {@code get}). */
  boolean needsApi() {
    return this != GET;
  }

  static Optional<Endpoint> scenario(String label) {
    return Arrays.stream(values()).filter(e -> e.schedulable() && e.label().equals(label)).findFirst();
  }

  static String scenarioLabels() {
    return Arrays.stream(values()).filter(Endpoint::schedulable).map(Endpoint::label)
        .collect(Collectors.joining(", "));
  }
}
