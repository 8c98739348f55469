package org.provost.http;

import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.provost.security.Tokens;

/** Routes a bearer token to the authenticator for its kind, by prefix. */
public final class Authenticators implements Authenticator {
  private final Function<String, Optional<Principal>> sessionCached;
  private final Function<String, Principal> sessionLoad;
  private final Function<String, Optional<Principal>> keyCached;
  private final Function<String, Principal> keyLoad;

  public Authenticators(Function<String, Optional<Principal>> sessionCached, Function<String, Principal> sessionLoad,
      Function<String, Optional<Principal>> keyCached, Function<String, Principal> keyLoad) {
    this.sessionCached = sessionCached;
    this.sessionLoad = sessionLoad;
    this.keyCached = keyCached;
    this.keyLoad = keyLoad;
  }

  /** Lookups answered from memory (hits) or sent to PostgreSQL (misses), per kind of token. */
  public final CacheCounts sessions = new CacheCounts();
  public final CacheCounts keys = new CacheCounts();

  /** Hit and miss counts of one cache. */
  public static final class CacheCounts {
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    public long hits() {
      return hits.sum();
    }

    public long misses() {
      return misses.sum();
    }
  }

  @Override
  public Optional<Principal> cached(String token) {
    if (token.startsWith(Tokens.SESSION_PREFIX)) return count(sessions, sessionCached.apply(token));
    if (token.startsWith(Tokens.API_KEY_PREFIX)) return count(keys, keyCached.apply(token));
    return Optional.empty();
  }

  private static Optional<Principal> count(CacheCounts counts, Optional<Principal> found) {
    if (found.isPresent()) counts.hits.increment();
    return found;
  }

  @Override
  public boolean recognizes(String token) {
    return token.startsWith(Tokens.SESSION_PREFIX) || token.startsWith(Tokens.API_KEY_PREFIX);
  }

  @Override
  public Principal load(String token) {
    if (token.startsWith(Tokens.SESSION_PREFIX)) {
      sessions.misses.increment();
      return sessionLoad.apply(token);
    }
    if (token.startsWith(Tokens.API_KEY_PREFIX)) {
      keys.misses.increment();
      return keyLoad.apply(token);
    }
    throw Authenticator.unrecognized();
  }
}
