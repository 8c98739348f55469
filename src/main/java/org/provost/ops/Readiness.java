package org.provost.ops;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.provost.db.Changelog;
import org.provost.db.Database;

/**
 * What {@code /health/ready} answers: ready means started, not draining, the primary database answers, and
 * the authorization index is not behind (it has applied every change the database had committed at least
 * {@link #INDEX_LAG_LIMIT} ago, by default). Otherwise the state names why, and which part fails.
 */
public final class Readiness {
  /** How long a committed change may stay unapplied by this instance's index before it is not ready. */
  public static final Duration INDEX_LAG_LIMIT = Duration.ofSeconds(10);

  /** The states, as written in the {@code status} field of both health bodies. */
  public enum State {
    STARTING("starting"), READY("ready"), DRAINING("draining"), DATABASE_DOWN("database_down"),
    INDEX_BEHIND("index_behind");

    public final String wire;

    State(String wire) {
      this.wire = wire;
    }
  }

  private final Database db;
  private final Duration indexLagLimit;
  private volatile LongSupplier indexRevision;
  private volatile java.util.function.Supplier<String> redis;
  private volatile boolean started;
  private volatile boolean draining;
  /** The oldest database revision seen that the index had not yet applied, and when: {revision, nanos}. */
  private long[] unapplied;

  public Readiness(Database db) {
    this(db, INDEX_LAG_LIMIT);
  }

  /** With another limit for how long the index may stay behind a committed change. */
  public Readiness(Database db, Duration indexLagLimit) {
    this.db = db;
    this.indexLagLimit = indexLagLimit;
  }

  /** Startup is done; {@code indexRevision} gives the revision this instance's index has applied. */
  public void started(LongSupplier indexRevision) {
    this.indexRevision = indexRevision;
    started = true;
  }

  /** Startup is done (no index to watch). */
  public void started() {
    started = true;
  }

  /**
   * Reports Redis in the readiness body ({@code checks.redis.status}, {@code up} or {@code degraded}) without
   * ever failing readiness for it: PostgreSQL is the record, Redis only a shared fast path.
   */
  public void watchRedis(java.util.function.Supplier<String> state) {
    this.redis = state;
  }

  public void draining() {
    draining = true;
  }

  /** Started and not draining (does not ask the database; never blocks). */
  public boolean accepting() {
    return started && !draining;
  }

  /** The state without any I/O: starting or draining, else ready (the parts are not checked). */
  public State lifecycle() {
    if (draining) return State.DRAINING;
    return started ? State.READY : State.STARTING;
  }

  /**
   * The readiness body: {@code status} (a {@link State}), {@code ready}, and {@code checks} with the
   * {@code database} ({@code up}/{@code down}) and {@code index} ({@code revision}, {@code database_revision},
   * {@code status} {@code current}/{@code catching_up}/{@code behind}); {@code failing} names the failing part.
   * Blocking: queries the database.
   */
  public JsonObject check() {
    State lifecycle = lifecycle();
    JsonObject checks = new JsonObject();
    JsonObject body = new JsonObject().put("checks", checks);
    if (lifecycle != State.READY) {
      return body.put("status", lifecycle.wire).put("ready", false).put("failing", "lifecycle");
    }
    java.util.function.Supplier<String> r = redis;
    if (r != null) checks.put("redis", new JsonObject().put("status", r.get()));
    Long dbRevision = databaseRevision();
    checks.put("database", new JsonObject().put("status", dbRevision != null ? "up" : "down"));
    if (dbRevision == null) {
      return body.put("status", State.DATABASE_DOWN.wire).put("ready", false).put("failing", "database");
    }
    if (indexRevision != null) {
      long applied = indexRevision.getAsLong();
      String index = indexStatus(applied, dbRevision);
      checks.put("index", new JsonObject().put("status", index).put("revision", applied)
          .put("database_revision", dbRevision));
      if (index.equals("behind")) {
        return body.put("status", State.INDEX_BEHIND.wire).put("ready", false).put("failing", "index");
      }
    }
    return body.put("status", State.READY.wire).put("ready", true);
  }

  private synchronized String indexStatus(long applied, long dbRevision) {
    long now = System.nanoTime();
    if (unapplied != null && applied >= unapplied[0]) unapplied = null;
    if (applied >= dbRevision) return "current";
    if (unapplied == null) unapplied = new long[] {dbRevision, now};
    return now - unapplied[1] >= indexLagLimit.toNanos() ? "behind" : "catching_up";
  }

  private Long databaseRevision() {
    if (!db.primaryReachable()) return null;
    try {
      // the fill pool: a saturated SQL lane is overload, not an unreachable database, and must not make the
      // instance look unready (a balancer would then move its load onto the others)
      return db.fill(Changelog::current);
    } catch (RuntimeException e) {
      return null;
    }
  }
}
