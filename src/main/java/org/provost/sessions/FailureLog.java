package org.provost.sessions;

/**
 * Where {@link LoginThrottle} keeps its records: failed logins per key (in one of several {@link Kind}s),
 * and each account's trusted addresses. In process memory ({@link LocalFailureLog}), in Redis, shared by
 * every instance ({@link RedisFailureLog}), or Redis with memory behind it ({@link FailingOverFailureLog}).
 * Times are epoch milliseconds of the throttle's clock.
 */
interface FailureLog {
  /** The kinds of failure counter, each its own key space. */
  enum Kind {
    /** Failures against a known account ({@code id:<user id>}). */
    ACCOUNT,
    /** Failures against a login naming nobody ({@code login:<canonical key>}). */
    UNKNOWN,
    /** Failures from one client address. */
    ADDRESS,
    /** Failures against one account from one address ({@code <account>|<address>}). */
    PAIR
  }

  /** Records a failure of {@code key} at {@code now}; records older than the window may be dropped. */
  void add(Kind kind, String key, long now);

  /**
   * The times of {@code key}'s failures later than {@code since}, oldest first, at most {@code max} (the
   * latest ones).
   */
  long[] since(Kind kind, String key, long since, int max);

  /** Forgets {@code key}'s failures. */
  void clear(Kind kind, String key);

  /** Whether {@code address} is one of {@code account}'s trusted addresses. */
  boolean trusted(String account, String address);

  /** Makes {@code address} the newest of {@code account}'s trusted addresses (at most {@code max} kept). */
  void trust(String account, String address, long now, int max);
}
