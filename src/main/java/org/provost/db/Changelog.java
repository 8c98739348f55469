package org.provost.db;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The change feed's write side. Every write that can change an authorization answer calls {@link #record}
 * inside its own transaction; the returned revision is the one at which the change is visible, and the
 * NOTIFY is delivered to listeners only when that transaction commits.
 */
public final class Changelog {
  public static final String CHANNEL = "provost_changes";
  private static final long LOCK_KEY = 0x70726f766f7374L; // "provost"

  private Changelog() {}

  public static long record(Connection c, String entity, Object entityId, String op) throws SQLException {
    // one writer at a time, held until commit: revisions become visible in the order they were taken,
    // so a reader that has applied revision N has seen every change numbered below N
    Jdbc.returningLong(c, "SELECT 1 FROM pg_advisory_xact_lock(?)", LOCK_KEY);
    long revision = Jdbc.returningLong(c,
        "INSERT INTO changelog (entity, entity_id, op) VALUES (?, ?, ?) RETURNING revision",
        entity, String.valueOf(entityId), op);
    Jdbc.returningLong(c, "SELECT 1 FROM pg_notify(?, ?)", CHANNEL, Long.toString(revision));
    return revision;
  }

  public static long current(Connection c) throws SQLException {
    return Jdbc.one(c, "SELECT coalesce(max(revision), 0) FROM changelog", rs -> rs.getLong(1)).orElse(0L);
  }
}
