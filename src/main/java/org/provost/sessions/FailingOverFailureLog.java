package org.provost.sessions;

import java.util.concurrent.atomic.LongAdder;
import org.provost.redis.Redis;

/**
 * The throttle's records in Redis, shared by every instance, with this process's memory behind them: every
 * record is also kept in memory, and while Redis cannot answer, memory answers alone (the counts are then
 * this instance's only, as without Redis), and what it counted then still counts when Redis returns. Logins
 * never fail because Redis is down.
 */
final class FailingOverFailureLog implements FailureLog {
  private final RedisFailureLog shared;
  private final LocalFailureLog local;
  private final Redis redis;
  private final LongAdder fallbacks = new LongAdder();

  FailingOverFailureLog(RedisFailureLog shared, LocalFailureLog local, Redis redis) {
    this.shared = shared;
    this.local = local;
    this.redis = redis;
  }

  long fallbacks() {
    return fallbacks.sum();
  }

  @Override
  public void add(Kind kind, String key, long now) {
    local.add(kind, key, now);
    if (!redis.available()) return;
    try {
      shared.add(kind, key, now);
    } catch (Redis.Unavailable e) {
      fallbacks.increment();
    }
  }

  /**
   * The longer of Redis's record and this instance's own: every failure is in both while Redis answers, so
   * neither undercounts then; failures this instance saw while Redis was away are in memory only, and are
   * not forgiven when Redis returns (else each outage would hand a guesser a fresh budget).
   */
  @Override
  public long[] since(Kind kind, String key, long since, int max) {
    long[] mine = local.since(kind, key, since, max);
    if (redis.available()) {
      try {
        long[] all = shared.since(kind, key, since, max);
        return all.length >= mine.length ? all : mine;
      } catch (Redis.Unavailable e) {
        fallbacks.increment();
      }
    }
    return mine;
  }

  @Override
  public void clear(Kind kind, String key) {
    local.clear(kind, key);
    if (!redis.available()) return;
    try {
      shared.clear(kind, key);
    } catch (Redis.Unavailable e) {
      fallbacks.increment();
    }
  }

  @Override
  public boolean trusted(String account, String address) {
    if (redis.available()) {
      try {
        // a trust earned while Redis was down is in memory only
        return shared.trusted(account, address) || local.trusted(account, address);
      } catch (Redis.Unavailable e) {
        fallbacks.increment();
      }
    }
    return local.trusted(account, address);
  }

  @Override
  public void trust(String account, String address, long now, int max) {
    local.trust(account, address, now, max);
    if (!redis.available()) return;
    try {
      shared.trust(account, address, now, max);
    } catch (Redis.Unavailable e) {
      fallbacks.increment();
    }
  }
}
