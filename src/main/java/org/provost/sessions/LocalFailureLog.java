package org.provost.sessions;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * {@link FailureLog} in this process: size-bounded caches ({@link #MAX_KEYS} keys each) whose entries expire
 * with the window; each kind has its own cache, so a flood of unknown logins or addresses cannot evict the
 * counters of real accounts.
 */
final class LocalFailureLog implements FailureLog {
  static final long MAX_KEYS = 100_000;

  private final Map<Kind, Cache<String, Deque<Long>>> counters = new EnumMap<>(Kind.class);
  private final Cache<String, Set<String>> trusted;
  private final int keep;

  /** @param keep how many failures per key are kept (the largest limit plus one) */
  LocalFailureLog(long windowMillis, Duration trust, int keep, Clock clock) {
    this.keep = keep;
    Ticker ticker = () -> clock.millis() * 1_000_000L;
    for (Kind kind : Kind.values()) {
      counters.put(kind, Caffeine.newBuilder().maximumSize(MAX_KEYS)
          .expireAfterAccess(Duration.ofMillis(windowMillis)).ticker(ticker).build());
    }
    this.trusted = Caffeine.newBuilder().maximumSize(MAX_KEYS).expireAfterWrite(trust).ticker(ticker).build();
  }

  @Override
  public void add(Kind kind, String key, long now) {
    Deque<Long> q = counters.get(kind).get(key, k -> new ArrayDeque<>());
    synchronized (q) {
      q.addLast(now);
      while (q.size() > keep) q.removeFirst();
    }
  }

  @Override
  public long[] since(Kind kind, String key, long since, int max) {
    Deque<Long> q = counters.get(kind).getIfPresent(key);
    if (q == null) return new long[0];
    synchronized (q) {
      while (!q.isEmpty() && q.peekFirst() <= since) q.removeFirst();
      int n = Math.min(max, q.size());
      long[] out = new long[n];
      Iterator<Long> it = q.descendingIterator();
      for (int i = n - 1; i >= 0; i--) out[i] = it.next();
      return out;
    }
  }

  @Override
  public void clear(Kind kind, String key) {
    counters.get(kind).invalidate(key);
  }

  @Override
  public boolean trusted(String account, String address) {
    Set<String> known = trusted.getIfPresent(account);
    if (known == null) return false;
    synchronized (known) {
      return known.contains(address);
    }
  }

  @Override
  public void trust(String account, String address, long now, int max) {
    Set<String> known = trusted.get(account, k -> new LinkedHashSet<>());
    synchronized (known) {
      known.remove(address);
      known.add(address);
      while (known.size() > max) known.remove(known.iterator().next());
    }
    trusted.put(account, known); // restarts its expiry
  }

  /** Drops expired records now rather than on the caches' next writes. */
  void sweep() {
    counters.values().forEach(Cache::cleanUp);
    trusted.cleanUp();
  }

  /** How many keys are held, across all records. */
  long keys() {
    sweep();
    long n = trusted.estimatedSize();
    for (Cache<String, Deque<Long>> c : counters.values()) n += c.estimatedSize();
    return n;
  }
}
