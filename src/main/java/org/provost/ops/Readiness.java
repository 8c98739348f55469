package org.provost.ops;

import org.provost.db.Database;

/** Ready means started, not draining, and the primary database answers. */
public final class Readiness {
  private final Database db;
  private volatile boolean started;
  private volatile boolean draining;

  public Readiness(Database db) {
    this.db = db;
  }

  public void started() {
    started = true;
  }

  public void draining() {
    draining = true;
  }

  /** Started and not draining (does not ask the database; never blocks). */
  public boolean accepting() {
    return started && !draining;
  }

  /** Null when ready, else the reason. Blocking: pings the database. */
  public String notReadyReason() {
    if (!started) return "starting";
    if (draining) return "draining";
    if (!db.primaryReachable()) return "database unreachable";
    return null;
  }
}
