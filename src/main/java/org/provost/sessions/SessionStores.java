package org.provost.sessions;

import java.util.Optional;
import org.provost.db.Database;
import org.provost.redis.Redis;

/**
 * Chooses the session store {@code serve} uses: PostgreSQL alone, or with Redis ({@link TieredSessionStore}),
 * and how often a used session's idle clock is moved in it.
 *
 * @param store the store
 * @param touchEveryMillis how often, at most, an instance moves a used session's idle clock in the store:
 *     {@link #SHARED_TOUCH_MILLIS} with Redis, {@link #DURABLE_TOUCH_MILLIS} with PostgreSQL alone
 * @param tiered the Redis pairing, when there is one (its feed listener and removal retries must run)
 */
public record SessionStores(SessionStore store, long touchEveryMillis, Optional<TieredSessionStore> tiered) {
  /** PostgreSQL alone: {@code last_seen_at} is written at most once a minute per session and instance. */
  public static final long DURABLE_TOUCH_MILLIS = 60_000;
  /** With Redis: its idle clock is moved at most every 5 s per session and instance (one script call). */
  public static final long SHARED_TOUCH_MILLIS = 5_000;

  /** The stores for {@code idleMillis} (the configured idle timeout), with {@code redis} when configured. */
  public static SessionStores choose(Database db, Optional<Redis> redis, long idleMillis) {
    if (redis.isEmpty()) {
      return new SessionStores(new PostgresSessionStore(db, idleMillis + DURABLE_TOUCH_MILLIS), DURABLE_TOUCH_MILLIS,
          Optional.empty());
    }
    // PostgreSQL's last_seen_at is written about once a minute (when Redis says it is due), or every touch
    // while Redis is down: its tolerance covers the longer interval
    TieredSessionStore tiered = new TieredSessionStore(
        new PostgresSessionStore(db, idleMillis + DURABLE_TOUCH_MILLIS),
        new RedisSessionStore(redis.get(), idleMillis + SHARED_TOUCH_MILLIS), redis.get());
    return new SessionStores(tiered, SHARED_TOUCH_MILLIS, Optional.of(tiered));
  }
}
