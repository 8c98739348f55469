package org.provost.sessions;

import java.time.Clock;
import java.time.Duration;
import org.provost.error.ServiceException;
import org.provost.redis.Redis;

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
 * counters of real accounts. With Redis, the records are shared by every instance ({@link RedisFailureLog}),
 * and kept in memory too, which answers alone while Redis is down. See docs/SECURITY.md, "Login throttling".
 */
final class LoginThrottle {
  static final Duration TRUST = Duration.ofDays(30);
  static final int TRUSTED_PER_ACCOUNT = 4;
  static final long MAX_KEYS = LocalFailureLog.MAX_KEYS;

  private final FailureLog log;
  private final LocalFailureLog local;
  private final int maxFailures;
  private final int maxPerAddress;
  private final long windowMillis;
  private final Clock clock;

  /** Records in this process's memory. */
  LoginThrottle(int maxFailures, int maxPerAddress, long windowMillis, Clock clock) {
    this(maxFailures, maxPerAddress, windowMillis, clock, null);
  }

  /**
   * Records in {@code redis}, shared by every instance, with memory behind them while Redis is down; in
   * memory alone when {@code redis} is null.
   */
  LoginThrottle(int maxFailures, int maxPerAddress, long windowMillis, Clock clock, Redis redis) {
    this.maxFailures = maxFailures;
    this.maxPerAddress = maxPerAddress;
    this.windowMillis = windowMillis;
    this.clock = clock;
    int keep = Math.max(maxFailures, maxPerAddress) + 1;
    this.local = new LocalFailureLog(windowMillis, TRUST, keep, clock);
    this.log = redis == null ? local
        : new FailingOverFailureLog(new RedisFailureLog(redis, windowMillis, TRUST, keep), local, redis);
  }

  /** The throttle key of an account: its user id, or, for a login naming nobody, that login's canonical key. */
  static String account(Long userId, String loginKey) {
    return userId != null ? "id:" + userId : "login:" + loginKey;
  }

  /** Throws 429 when {@code address}, or {@code account} seen from {@code address}, must wait. Blocking with Redis. */
  void check(String account, String address) {
    long now = clock.millis();
    long wait = waitFor(FailureLog.Kind.ADDRESS, address, maxPerAddress, now);
    long accountWait = waitFor(kindOf(account), account, maxFailures, now);
    if (accountWait > 0) {
      boolean owner = log.trusted(account, address);
      accountWait = owner ? waitFor(FailureLog.Kind.PAIR, account + "|" + address, maxFailures, now) : accountWait;
    }
    wait = Math.max(wait, accountWait);
    if (wait > 0) {
      throw new ServiceException.TooManyRequests("too many failed logins; try again later",
          Math.max(1, (wait + 999) / 1000));
    }
  }

  /**
   * Throws 429 when {@code address} is over its failure limit by this instance's own records. Memory only, so
   * it runs on the event loop before a login is admitted to the hash lane: an address that keeps failing
   * cannot crowd real users out of it. (The full {@link #check} still runs once admitted, with Redis's.)
   */
  void checkAddressFromMemory(String address) {
    long now = clock.millis();
    long[] recent = local.since(FailureLog.Kind.ADDRESS, address, now - windowMillis, maxPerAddress);
    if (recent.length < maxPerAddress) return;
    long wait = recent[0] + windowMillis - now;
    if (wait > 0) {
      throw new ServiceException.TooManyRequests("too many failed logins; try again later",
          Math.max(1, (wait + 999) / 1000));
    }
  }

  void failed(String account, String address) {
    long now = clock.millis();
    log.add(kindOf(account), account, now);
    log.add(FailureLog.Kind.ADDRESS, address, now);
    log.add(FailureLog.Kind.PAIR, account + "|" + address, now);
  }

  /**
   * A correct password from {@code address}: it becomes one of the account's trusted addresses, its own
   * failures are forgotten, and so are the account's unless the account is locked (then they age out).
   */
  void succeeded(String account, String address) {
    long now = clock.millis();
    log.clear(FailureLog.Kind.PAIR, account + "|" + address);
    if (waitFor(kindOf(account), account, maxFailures, now) == 0) log.clear(kindOf(account), account);
    log.trust(account, address, now, TRUSTED_PER_ACCOUNT);
  }

  /** Drops expired records of this process now rather than on the caches' next writes. */
  void sweep() {
    local.sweep();
  }

  /** How many keys this process holds, across all records (bounded by 5 x {@link #MAX_KEYS}). */
  long keys() {
    return local.keys();
  }

  private static FailureLog.Kind kindOf(String account) {
    return account.startsWith("id:") ? FailureLog.Kind.ACCOUNT : FailureLog.Kind.UNKNOWN;
  }

  /** How long {@code key} must wait: 0 under {@code limit} failures within the window. */
  private long waitFor(FailureLog.Kind kind, String key, int limit, long now) {
    long[] recent = log.since(kind, key, now - windowMillis, limit);
    if (recent.length < limit) return 0;
    // allowed again once all but limit - 1 of these failures have aged out: the oldest of the latest limit
    return recent[0] + windowMillis - now;
  }
}
