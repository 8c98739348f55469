package org.provost.loadtest;

import java.util.Locale;

/**
 * What part of the server answers a request, and so which of the load generator's connection sets carries
 * it. Each class the mix uses gets keep-alive connections and a waiting queue of its own, as separate campus
 * applications would (a door-check service does not share a connection pool with an admin tool): with one
 * request at a time per HTTP/1.1 connection, a check sent on a connection held by a slow listing would wait
 * for it in the client, and the report would charge that wait to the server.
 */
public enum TrafficClass {
  /** Answered from the server's memory: check, /v1/me; and the raw {@code get} (nginx's constant). */
  MEMORY,
  /** Backed by SQL: listings, searches, grants and revokes. */
  SQL,
  /** Backed by the password hash: logins. */
  HASH;

  /** The name used in {@code --connections}, the report, the JSON and the timeline. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
