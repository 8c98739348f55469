package org.provost.sessions;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.Set;
import org.provost.error.ServiceException;

/**
 * Slows password guessing, counting per resolved account (whatever form of username or email was typed) and
 * per client address. Within the window:
 * <ul>
 *   <li>{@code maxPerAddress} failures from one address answer 429 to that address;</li>
 *   <li>{@code maxFailures} failures against one account answer 429 for that account, except from an
 *       address the account logged in from successfully within {@link #TRUST} (its last
 *       {@link #TRUSTED_PER_ACCOUNT}): the owner's way in while an attacker keeps the account locked. Such
 *       an address is limited by its own counter (failures against this account from this address), which
 *       failures from elsewhere never touch, so the attacker cannot use it up.</li>
 * </ul>
 * A login that names no account is counted under its canonical key, so it locks like a real one (no
 * answer tells which accounts exist). All state lives in size-bounded caches whose entries expire with the
 * window; unknown logins and addresses have caches of their own, so a flood of either cannot evict the
 * counters of real accounts. See docs/SECURITY.md, "Login throttling".
 */
final class LoginThrottle {
  static final Duration TRUST = Duration.ofDays(30);
  static final int TRUSTED_PER_ACCOUNT = 4;
  static final long MAX_KEYS = 100_000;

  private final Cache<String, Deque<Long>> accounts;
  private final Cache<String, Deque<Long>> unknown;
  private final Cache<String, Deque<Long>> addresses;
  private final Cache<String, Deque<Long>> pairs;
  private final Cache<String, Set<String>> trusted;
  private final int maxFailures;
  private final int maxPerAddress;
  private final long windowMillis;
  private final Clock clock;

  LoginThrottle(int maxFailures, int maxPerAddress, long windowMillis, Clock clock) {
    this.maxFailures = maxFailures;
    this.maxPerAddress = maxPerAddress;
    this.windowMillis = windowMillis;
    this.clock = clock;
    Ticker ticker = () -> clock.millis() * 1_000_000L;
    this.accounts = counters(ticker);
    this.unknown = counters(ticker);
    this.addresses = counters(ticker);
    this.pairs = counters(ticker);
    this.trusted = Caffeine.newBuilder().maximumSize(MAX_KEYS).expireAfterWrite(TRUST).ticker(ticker).build();
  }

  private Cache<String, Deque<Long>> counters(Ticker ticker) {
    return Caffeine.newBuilder().maximumSize(MAX_KEYS).expireAfterAccess(Duration.ofMillis(windowMillis))
        .ticker(ticker).build();
  }

  /** The throttle key of an account: its user id, or, for a login naming nobody, that login's canonical key. */
  static String account(Long userId, String loginKey) {
    return userId != null ? "id:" + userId : "login:" + loginKey;
  }

  /** Throws 429 when {@code address}, or {@code account} seen from {@code address}, must wait. */
  void check(String account, String address) {
    long now = clock.millis();
    long wait = waitFor(addresses, address, maxPerAddress, now);
    long accountWait = waitFor(forAccount(account), account, maxFailures, now);
    if (accountWait > 0) {
      Set<String> known = trusted.getIfPresent(account);
      boolean owner = known != null && contains(known, address);
      accountWait = owner ? waitFor(pairs, account + "|" + address, maxFailures, now) : accountWait;
    }
    wait = Math.max(wait, accountWait);
    if (wait > 0) {
      throw new ServiceException.TooManyRequests("too many failed logins; try again later",
          Math.max(1, (wait + 999) / 1000));
    }
  }

  void failed(String account, String address) {
    long now = clock.millis();
    add(forAccount(account), account, now);
    add(addresses, address, now);
    add(pairs, account + "|" + address, now);
  }

  /**
   * A correct password from {@code address}: it becomes one of the account's trusted addresses, its own
   * failures are forgotten, and so are the account's unless the account is locked (then they age out).
   */
  void succeeded(String account, String address) {
    long now = clock.millis();
    pairs.invalidate(account + "|" + address);
    if (waitFor(accounts, account, maxFailures, now) == 0) accounts.invalidate(account);
    Set<String> known = trusted.get(account, k -> new LinkedHashSet<>());
    synchronized (known) {
      known.remove(address);
      known.add(address);
      while (known.size() > TRUSTED_PER_ACCOUNT) known.remove(known.iterator().next());
    }
    trusted.put(account, known); // restarts its expiry
  }

  /** Drops expired records now rather than on the caches' next writes. */
  void sweep() {
    accounts.cleanUp();
    unknown.cleanUp();
    addresses.cleanUp();
    pairs.cleanUp();
    trusted.cleanUp();
  }

  /** How many keys are held, across all records (bounded by 5 x {@link #MAX_KEYS}). */
  long keys() {
    sweep();
    return accounts.estimatedSize() + unknown.estimatedSize() + addresses.estimatedSize() + pairs.estimatedSize()
        + trusted.estimatedSize();
  }

  private Cache<String, Deque<Long>> forAccount(String account) {
    return account.startsWith("id:") ? accounts : unknown;
  }

  private static boolean contains(Set<String> known, String address) {
    synchronized (known) {
      return known.contains(address);
    }
  }

  private void add(Cache<String, Deque<Long>> cache, String key, long now) {
    Deque<Long> q = cache.get(key, k -> new ArrayDeque<>());
    synchronized (q) {
      q.addLast(now);
      while (q.size() > Math.max(maxFailures, maxPerAddress) + 1) q.removeFirst();
    }
  }

  private long waitFor(Cache<String, Deque<Long>> cache, String key, int limit, long now) {
    Deque<Long> q = cache.getIfPresent(key);
    if (q == null) return 0;
    synchronized (q) {
      while (!q.isEmpty() && q.peekFirst() <= now - windowMillis) q.removeFirst();
      if (q.size() < limit) return 0;
      // allowed again once all but limit - 1 of these failures have aged out
      java.util.Iterator<Long> it = q.iterator();
      long at = 0;
      for (int i = 0; i <= q.size() - limit; i++) at = it.next();
      return at + windowMillis - now;
    }
  }
}
