package org.provost.sessions;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.provost.feed.Change;
import org.provost.redis.Redis;

/**
 * Sessions with Redis: write-through to PostgreSQL, the durable record, and to Redis, the shared fast path.
 * <ul>
 *   <li>create writes PostgreSQL, then copies the session to Redis;</li>
 *   <li>find asks Redis first; a live session there is the answer. Otherwise (not there, idle there, or
 *       Redis down) PostgreSQL answers, and a live session it finds is copied back to Redis, unless a
 *       session ended anywhere meanwhile ({@link RedisSessionStore#adopt});</li>
 *   <li>touch moves Redis's idle clock (shared by every instance) and PostgreSQL's only when Redis says
 *       it is due (about once a minute per session across all instances), or when Redis cannot answer;</li>
 *   <li>ending writes PostgreSQL, then removes the sessions from Redis. Every instance also removes them
 *       when its change feed applies the ending ({@link #apply}), so an ending written by another process
 *       (an import, {@code provost admin}) leaves Redis too.</li>
 * </ul>
 * Losing Redis loses no session: PostgreSQL has them all. When a removal cannot reach Redis, the user is
 * remembered, and Redis is not trusted to vouch for any session until those removals are done
 * ({@link #flushPending}, run every second): a session ended while Redis was unreachable cannot come back
 * from a Redis that kept it.
 */
public final class TieredSessionStore implements SessionStore {
  private final PostgresSessionStore durable;
  private final RedisSessionStore shared;
  private final Redis redis;
  private final Set<Long> pending = ConcurrentHashMap.newKeySet();
  private final LongAdder fallbacks = new LongAdder();

  /** {@code shared} must be a store on {@code redis}; {@code durable}'s idle tolerance covers its touch interval. */
  public TieredSessionStore(PostgresSessionStore durable, RedisSessionStore shared, Redis redis) {
    this.durable = durable;
    this.shared = shared;
    this.redis = redis;
  }

  /** Whether Redis may vouch for sessions now: connected, and no removal waiting to be done. */
  private boolean trusted() {
    return redis.available() && pending.isEmpty();
  }

  /**
   * Operations that wanted Redis and were served by PostgreSQL alone: Redis was down, did not answer, or
   * was not trusted (a removal still owed to it).
   */
  public long fallbacks() {
    return fallbacks.sum();
  }

  /** Users whose sessions must still be removed from Redis. */
  public int pendingRemovals() {
    return pending.size();
  }

  @Override
  public long create(byte[] tokenHash, long userId, String username, long now, long expiresAt) {
    String generation = generation();
    long id = durable.create(tokenHash, userId, username, now, expiresAt);
    if (generation != null) {
      try {
        shared.adopt(tokenHash, new Session(id, userId, username, now, now, expiresAt), generation);
      } catch (Redis.Unavailable e) {
        fallbacks.increment();
      }
    }
    return id;
  }

  /** The ending generation, or null when Redis is not to be written now. */
  private String generation() {
    if (!trusted()) {
      fallbacks.increment();
      return null;
    }
    try {
      return shared.generation();
    } catch (Redis.Unavailable e) {
      fallbacks.increment();
      return null;
    }
  }

  @Override
  public Optional<Session> find(byte[] tokenHash, long now) {
    String generation = null;
    if (!trusted()) fallbacks.increment();
    else {
      try {
        generation = shared.generation();
        Optional<Session> hit = shared.find(tokenHash, now);
        if (hit.isPresent()) return hit;
      } catch (Redis.Unavailable e) {
        fallbacks.increment();
        generation = null;
      }
    }
    Optional<Session> found = durable.find(tokenHash, now);
    if (found.isPresent() && generation != null) {
      Session s = found.get();
      try {
        shared.adopt(tokenHash, new Session(s.id(), s.userId(), s.username(), s.createdAt(), now, s.expiresAt()),
            generation);
      } catch (Redis.Unavailable e) {
        fallbacks.increment();
      }
    }
    return found;
  }

  @Override
  public void touch(byte[] tokenHash, long sessionId, long now) {
    long r = -1;
    if (!redis.available()) fallbacks.increment();
    else {
      try {
        r = shared.touched(tokenHash, sessionId, now);
      } catch (Redis.Unavailable e) {
        fallbacks.increment();
      }
    }
    if (r != 0) durable.touch(tokenHash, sessionId, now);
  }

  @Override
  public boolean end(long sessionId, long userId) {
    boolean ended = durable.end(sessionId, userId);
    try {
      shared.end(sessionId, userId);
    } catch (Redis.Unavailable e) {
      fallbacks.increment();
      pending.add(userId);
    }
    return ended;
  }

  @Override
  public void endAll(long userId, long keepSessionId) {
    durable.endAll(userId, keepSessionId);
    removeFromRedis(userId, keepSessionId);
  }

  private void removeFromRedis(long userId, long keepSessionId) {
    try {
      shared.endAll(userId, keepSessionId);
    } catch (Redis.Unavailable e) {
      fallbacks.increment();
      pending.add(userId);
    }
  }

  @Override
  public List<Session> live(long userId, long now) {
    return durable.live(userId, now);
  }

  /**
   * The change feed's listener: a session ended, or a user's row changed (ended sessions, deactivation, a new
   * username), anywhere: that user's sessions leave Redis (a live one is copied back from PostgreSQL, with
   * the new username, on its next use). Blocking (Redis, bounded by its timeout); never throws.
   */
  public void apply(List<Change> changes) {
    for (Change change : changes) {
      switch (change.entity()) {
        case SESSION -> {
          if (change.userId() == Change.NO_USER) continue;
          try {
            shared.end(change.entityId(), change.userId());
          } catch (Redis.Unavailable e) {
            fallbacks.increment();
            pending.add(change.userId());
          }
        }
        case USER -> {
          if (change.op() != Change.Op.CREATE) removeFromRedis(change.entityId(), 0);
        }
        case GRANT, CLIENT, ROLE, PERMISSION, DEPARTMENT, COURSE, TERM, OFFERING, BULK -> { }
      }
    }
  }

  /** Retries the removals Redis missed; Redis vouches for sessions again once none is left. Blocking. */
  public void flushPending() {
    if (pending.isEmpty() || !redis.available()) return;
    for (Long userId : List.copyOf(pending)) {
      try {
        shared.endAll(userId, 0);
        pending.remove(userId);
      } catch (Redis.Unavailable e) {
        return;
      }
    }
  }
}
