package org.provost.sessions;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ConcurrentHashMap;
import org.provost.error.ServiceException;

/**
 * Slows password guessing: after {@code maxFailures} failed logins for one account, or
 * {@code maxPerAddress} from one client address, within the window, further attempts answer 429 until the
 * oldest failure ages out.
 */
final class LoginThrottle {
  private final ConcurrentHashMap<String, Deque<Long>> failures = new ConcurrentHashMap<>();
  private final int maxFailures;
  private final int maxPerAddress;
  private final long windowMillis;
  private final Clock clock;

  LoginThrottle(int maxFailures, int maxPerAddress, long windowMillis, Clock clock) {
    this.maxFailures = maxFailures;
    this.maxPerAddress = maxPerAddress;
    this.windowMillis = windowMillis;
    this.clock = clock;
  }

  void check(String login, String address) {
    long now = clock.millis();
    long wait = Math.max(waitFor("u:" + login.toLowerCase(), maxFailures, now),
        waitFor("a:" + address, maxPerAddress, now));
    if (wait > 0) {
      throw new ServiceException.TooManyRequests("too many failed logins; try again later",
          Math.max(1, (wait + 999) / 1000));
    }
  }

  void failed(String login, String address) {
    long now = clock.millis();
    add("u:" + login.toLowerCase(), now);
    add("a:" + address, now);
  }

  void succeeded(String login) {
    failures.remove("u:" + login.toLowerCase());
  }

  /** Forgets records whose failures have all aged out. */
  void sweep() {
    long now = clock.millis();
    failures.forEach((key, q) -> waitFor(key, Integer.MAX_VALUE, now));
  }

  private void add(String key, long now) {
    Deque<Long> q = failures.computeIfAbsent(key, k -> new ArrayDeque<>());
    synchronized (q) {
      q.addLast(now);
      while (q.size() > Math.max(maxFailures, maxPerAddress) + 1) q.removeFirst();
    }
  }

  private long waitFor(String key, int limit, long now) {
    Deque<Long> q = failures.get(key);
    if (q == null) return 0;
    synchronized (q) {
      while (!q.isEmpty() && q.peekFirst() <= now - windowMillis) q.removeFirst();
      if (q.isEmpty()) failures.remove(key, q);
      if (q.size() < limit) return 0;
      return q.peekFirst() + windowMillis - now;
    }
  }
}
