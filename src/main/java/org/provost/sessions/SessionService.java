package org.provost.sessions;

import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.provost.audit.Audit;
import org.provost.config.Config;
import org.provost.db.Database;
import org.provost.db.Jdbc;
import org.provost.error.ServiceException;
import org.provost.feed.Change;
import org.provost.http.Principal;
import org.provost.security.PasswordHasher;
import org.provost.security.PasswordPolicy;
import org.provost.security.Tokens;
import org.provost.users.User;
import org.provost.users.UserStore;

/**
 * Logs people in and out, changes their own passwords, and validates session tokens. Validation of a known
 * token is a map lookup on the event loop; an unknown token is loaded from the {@link SessionStore} once
 * (PostgreSQL, or Redis then PostgreSQL). Every way a session ends reaches every instance through the change
 * feed ({@link PostgresSessionStore} records it).
 */
public final class SessionService {
  private final Database db;
  private final SessionStore store;
  /** How often, at most, this instance tells the store a session it holds was used. */
  private final long touchEveryMillis;
  private final UserStore users;
  private final PasswordHasher hasher;
  private final Clock clock;
  private final ExecutorService background;
  private final LoginThrottle throttle;
  private final long idleMillis;
  private final long lifetimeMillis;
  private final Map<String, Live> byToken = new ConcurrentHashMap<>();
  private final Map<Long, String> tokenBySession = new ConcurrentHashMap<>();
  private final Map<Long, Set<String>> tokensByUser = new ConcurrentHashMap<>();
  /** Bumped by every revocation this instance applies: a load that raced one re-reads. */
  private final AtomicLong revocations = new AtomicLong();
  /** Loads under way, by token: {@link #load} callers for the same token wait for the first one's read. */
  private final Map<String, java.util.concurrent.CompletableFuture<Principal>> loading = new ConcurrentHashMap<>();

  /** A validated session held in memory. */
  private static final class Live {
    final Principal principal;
    final long absoluteExpiry;
    volatile long lastSeen;
    volatile long persistedLastSeen;

    Live(Principal principal, long absoluteExpiry, long lastSeen) {
      this.principal = principal;
      this.absoluteExpiry = absoluteExpiry;
      this.lastSeen = lastSeen;
      this.persistedLastSeen = lastSeen;
    }
  }

  /** What a successful login answers. */
  public record Login(String token, Instant expiresAt, User user) {
    public JsonObject toJson() {
      return new JsonObject().put("token", token).put("expires_at", expiresAt.toString())
          .put("user", user.toJson());
    }
  }

  /**
   * @param store where sessions are recorded; its idle tolerance must cover {@code touchEveryMillis}
   * @param redis where login-throttle counters are shared with other instances, when configured
   * @param touchEveryMillis how often, at most, a used session's idle clock is moved in the store (off the
   *     event loop); between two moves, this instance's own memory knows when the session was last used
   */
  public SessionService(Database db, UserStore users, PasswordHasher hasher, Config config, Clock clock,
      ExecutorService background, SessionStore store, long touchEveryMillis,
      java.util.Optional<org.provost.redis.Redis> redis) {
    this.db = db;
    this.store = store;
    this.touchEveryMillis = touchEveryMillis;
    this.users = users;
    this.hasher = hasher;
    this.clock = clock;
    this.background = background;
    this.throttle = new LoginThrottle(config.loginMaxFailures(), config.loginMaxFailuresPerAddress(),
        config.loginFailureWindow().toMillis(), clock, redis.orElse(null));
    this.idleMillis = config.sessionIdleTimeout().toMillis();
    this.lifetimeMillis = config.sessionMaxLifetime().toMillis();
  }

  /** Verifies a password and opens a session. Blocking: hashes and writes. */
  public Login login(String login, String password, String address) {
    long revocationsBefore = revocations.get();
    Optional<UserStore.Credentials> found = db.readPrimary(c -> users.findCredentials(c, login));
    // counted per account, however the identifier was typed (LoginThrottle)
    String account = LoginThrottle.account(found.map(f -> f.user().id()).orElse(null),
        org.provost.users.Identifiers.key(login));
    throttle.check(account, address);
    if (found.isEmpty()) {
      hasher.burn(password);
      throttle.failed(account, address);
      throw invalid();
    }
    if (!hasher.verify(password, found.get().passwordHash())) {
      throttle.failed(account, address);
      throw invalid();
    }
    User user = found.get().user();
    if (!user.active()) throw new ServiceException.Forbidden("account_inactive", "this account is deactivated");
    throttle.succeeded(account, address);
    String token = Tokens.newToken(Tokens.SESSION_PREFIX);
    long now = clock.millis();
    Instant expires = Instant.ofEpochMilli(now + lifetimeMillis);
    long sessionId = store.create(Tokens.hash(token), user.id(), user.username(), now, expires.toEpochMilli());
    Live live = new Live(Principal.user(user.id(), user.username(), sessionId), expires.toEpochMilli(), now);
    remember(token, live);
    // deactivated meanwhile? then its first use loads it from the database, which refuses it
    if (revocations.get() != revocationsBefore) forget(token, live);
    return new Login(token, expires, user);
  }

  /**
   * Self-service password change: verifies {@code current} (throttled like a login, so a stolen session
   * cannot guess it), sets {@code replacement}, and ends every other session of the user on every instance.
   * Blocking. Returns the revision at which the other sessions are gone.
   *
   * @throws ServiceException.Unauthenticated {@code invalid_credentials} for a wrong current password
   */
  public long changePassword(Principal who, String current, String replacement, String address) {
    String key = LoginThrottle.account(who.id(), null); // the same count as wrong passwords at login
    throttle.check(key, address);
    UserStore.Credentials creds = db.readPrimary(c -> users.findCredentialsById(c, who.id()))
        .orElseThrow(() -> new ServiceException.Unauthenticated("invalid_token", "the account no longer exists"));
    if (!hasher.verify(current, creds.passwordHash())) {
      throttle.failed(key, address);
      throw new ServiceException.Unauthenticated("invalid_credentials", "current_password is wrong");
    }
    PasswordPolicy.check("new_password", replacement, creds.user().username(), creds.user().email(), current);
    throttle.succeeded(key, address);
    String hash = hasher.hash(replacement);
    return db.write(c -> {
      Jdbc.update(c, "UPDATE users SET password_hash = ?, updated_at = now() WHERE id = ?", hash, who.id());
      long revision = PostgresSessionStore.endAll(c, who.id(), who.sessionId());
      Audit.record(c, who, "user.password_change", "user", who.id(), null, null);
      return revision;
    });
  }

  private static ServiceException invalid() {
    return new ServiceException.Unauthenticated("invalid_credentials", "unknown user or wrong password");
  }

  /** A session known to this instance and still live; touches its idle clock. Never blocks. */
  public Optional<Principal> cached(String token) {
    Live live = byToken.get(token);
    if (live == null) return Optional.empty();
    long now = clock.millis();
    if (now >= live.absoluteExpiry) {
      forget(token, live);
      return Optional.empty();
    }
    if (now - live.lastSeen > idleMillis) {
      return Optional.empty(); // kept: load() decides, knowing when this instance last saw it
    }
    live.lastSeen = now;
    if (now - live.persistedLastSeen > touchEveryMillis) {
      live.persistedLastSeen = now;
      background.execute(() -> persistLastSeen(token, live.principal.sessionId(), now));
    }
    return Optional.of(live.principal);
  }

  /**
   * Throws 429 at once when {@code address} is over its failure limit by this instance's own records: memory
   * only, never blocks, for the event loop before a login is admitted to the hash lane.
   */
  public void refuseThrottledAddress(String address) {
    throttle.checkAddressFromMemory(address);
  }

  /**
   * Loads a token this instance has not seen (or has dropped). Blocking. Concurrent loads of one token share
   * one read (a burst of requests with a token new here, after a deploy or behind a balancer, costs one
   * statement, not one each). Throws what the load throws: {@code Unauthenticated} for a token that is no
   * live session, {@code Unavailable} when the database cannot answer.
   */
  public Principal load(String token) {
    java.util.concurrent.CompletableFuture<Principal> mine = new java.util.concurrent.CompletableFuture<>();
    java.util.concurrent.CompletableFuture<Principal> running = loading.putIfAbsent(token, mine);
    if (running != null) {
      try {
        return running.join();
      } catch (java.util.concurrent.CompletionException e) {
        if (e.getCause() instanceof RuntimeException r) throw r;
        throw e;
      }
    }
    try {
      Principal p = loadFresh(token);
      mine.complete(p);
      return p;
    } catch (RuntimeException e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      loading.remove(token, mine);
    }
  }

  private Principal loadFresh(String token) {
    for (int attempt = 0; ; attempt++) {
      long revocationsBefore = revocations.get();
      Principal p = loadOnce(token);
      if (revocations.get() == revocationsBefore) return p;
      // a revocation applied while the row was read may have missed the entry just remembered: read again,
      // and after the last attempt answer without keeping it (the next use reads it again)
      Live live = byToken.get(token);
      if (live != null) forget(token, live);
      if (attempt == 3) return p;
    }
  }

  private Principal loadOnce(String token) {
    Optional<Principal> hit = cached(token);
    if (hit.isPresent()) return hit.get();
    long now = clock.millis();
    Optional<SessionStore.Session> found = store.find(Tokens.hash(token), now);
    // the store knows when any instance last told it the session was used (up to touchEveryMillis late);
    // when this instance saw it last, its own clock is exact
    Live local = byToken.get(token);
    boolean idleHere = local != null && found.isPresent() && local.lastSeen >= found.get().lastSeen()
        && now - local.lastSeen > idleMillis;
    if (found.isEmpty() || idleHere) {
      if (local != null) forget(token, local);
      throw new ServiceException.Unauthenticated("invalid_token", "the session is unknown, expired or revoked");
    }
    SessionStore.Session s = found.get();
    Live live = new Live(Principal.user(s.userId(), s.username(), s.id()), s.expiresAt(), now);
    remember(token, live);
    return live.principal;
  }

  /** Ends a session on every instance. Blocking. */
  public void logout(Principal who) {
    store.end(who.sessionId(), who.id());
    String token = tokenBySession.get(who.sessionId());
    if (token != null) forget(token, byToken.get(token));
  }

  /**
   * Applies the change feed: ended sessions are dropped; so are the sessions of a user whose row changed
   * (they reload on next use, with the new username, or fail if the account is gone or inactive).
   */
  public void apply(List<Change> changes) {
    for (Change change : changes) {
      switch (change.entity()) {
        case SESSION -> {
          revocations.incrementAndGet();
          String token = tokenBySession.get(change.entityId());
          if (token != null) forget(token, byToken.get(token));
        }
        case USER -> {
          revocations.incrementAndGet();
          forgetUser(change.entityId());
        }
        case GRANT, CLIENT, ROLE, PERMISSION, DEPARTMENT, COURSE, TERM, OFFERING, BULK -> { }
      }
    }
  }

  /** Drops sessions that expired without being used again, and stale login-failure records. */
  public void sweep() {
    long now = clock.millis();
    byToken.forEach((token, live) -> {
      if (now >= live.absoluteExpiry || now - live.lastSeen > idleMillis + touchEveryMillis) forget(token, live);
    });
    throttle.sweep();
  }

  public int liveSessions() {
    return byToken.size();
  }

  private void remember(String token, Live live) {
    byToken.put(token, live);
    tokenBySession.put(live.principal.sessionId(), token);
    tokensByUser.compute(live.principal.id(), (u, tokens) -> {
      Set<String> set = tokens == null ? ConcurrentHashMap.newKeySet() : tokens;
      set.add(token);
      return set;
    });
  }

  private void forgetUser(long userId) {
    Set<String> tokens = tokensByUser.remove(userId);
    if (tokens == null) return;
    for (String token : tokens) forget(token, byToken.get(token));
  }

  private void forget(String token, Live live) {
    if (live == null) return;
    byToken.remove(token, live);
    tokenBySession.remove(live.principal.sessionId(), token);
    tokensByUser.computeIfPresent(live.principal.id(), (u, tokens) -> {
      tokens.remove(token);
      return tokens.isEmpty() ? null : tokens;
    });
  }

  private void persistLastSeen(String token, long sessionId, long now) {
    try {
      store.touch(Tokens.hash(token), sessionId, now);
    } catch (RuntimeException e) {
      // best effort: the next request retries; an instance that never persists only shortens idle time elsewhere
    }
  }
}
