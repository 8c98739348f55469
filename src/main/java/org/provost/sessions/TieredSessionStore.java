package org.provost.sessions;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
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
 *   <li>find asks PostgreSQL, which alone decides that a session exists and is not ended, and Redis for the
 *       shared idle clock; a live session Redis lacks is copied there, unless a session ended anywhere
 *       meanwhile ({@link RedisSessionStore#adopt});</li>
 *   <li>touch moves Redis's idle clock (shared by every instance) and PostgreSQL's only when Redis says
 *       it is due (about once a minute per session across all instances), or when Redis cannot answer;</li>
 *   <li>ending writes PostgreSQL, then removes the sessions from Redis. Every instance also removes them
 *       when its change feed applies the ending ({@link #apply}), so an ending written by another process
 *       (an import, {@code provost admin}) leaves Redis too.</li>
 * </ul>
 * Losing Redis loses no session: PostgreSQL has them all. When a removal cannot reach Redis, the user is
 * remembered, and Redis's idle clock is not read until those removals are done
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

  /** Whether Redis's idle clock may be read now: connected, and no removal waiting to be done. */
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

  /**
   * PostgreSQL decides whether the session exists, is not ended and belongs to an active account; Redis
   * never vouches alone, so neither a copy Redis kept of a session ended while it was unreachable (then the
   * instance that owed the removal restarted) nor an entry written into Redis by someone else is a session.
   * Redis contributes the shared idle clock: the later of its last use there and PostgreSQL's. A session
   * PostgreSQL has that Redis lacks is copied there, unless a session ended anywhere meanwhile. Callers
   * cache what this answers ({@code SessionService}), so this runs once per token and instance.
   */
  @Override
  public Optional<Session> find(byte[] tokenHash, long now) {
    // the ending generation is read before PostgreSQL is: a copy is written back only if no session ended
    // between that read and the write
    String generation = generation();
    Optional<Session> found = durable.find(tokenHash, now);
    if (found.isEmpty() || generation == null) return found;
    Session s = found.get();
    try {
      Optional<Session> copy = shared.record(HexFormat.of().formatHex(tokenHash))
          .filter(r -> r.id() == s.id() && r.userId() == s.userId());
      if (copy.isPresent()) return onSharedClock(s, copy.get(), now);
      shared.adopt(tokenHash, s.seenAt(now), generation, s.lastSeen());
    } catch (Redis.Unavailable e) {
      fallbacks.increment();
    }
    return found;
  }

  /**
   * {@code recorded} (PostgreSQL's) with the later of its last use and its Redis copy's, if that is within
   * Redis's idle timeout: Redis's clock is exact to a touch interval, PostgreSQL's up to a minute late.
   */
  private Optional<Session> onSharedClock(Session recorded, Session copy, long now) {
    Session merged = recorded.seenAt(Math.max(recorded.lastSeen(), copy.lastSeen()));
    return shared.live(merged, now) ? Optional.of(merged) : Optional.empty();
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

  /** PostgreSQL's live sessions of {@code userId}, each on the shared idle clock where Redis has a copy. */
  @Override
  public List<Session> live(long userId, long now) {
    List<Session> recorded = durable.live(userId, now);
    if (recorded.isEmpty() || !trusted()) return recorded;
    try {
      Map<Long, Session> copies = shared.recorded(userId);
      List<Session> live = new ArrayList<>(recorded.size());
      for (Session s : recorded) {
        Session copy = copies.get(s.id());
        if (copy == null) live.add(s);
        else onSharedClock(s, copy, now).ifPresent(live::add);
      }
      return live;
    } catch (Redis.Unavailable e) {
      fallbacks.increment();
      return recorded;
    }
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

  /** Retries the removals Redis missed; Redis's idle clock is read again once none is left. Blocking. */
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
