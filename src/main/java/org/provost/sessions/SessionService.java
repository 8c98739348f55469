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
 * token is a map lookup on the event loop; an unknown token is loaded from PostgreSQL once. Every way a
 * session ends reaches every instance through the change feed ({@link SessionTable} records it).
 */
public final class SessionService {
  private static final long PERSIST_EVERY_MILLIS = 60_000;

  private final Database db;
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

  public SessionService(Database db, UserStore users, PasswordHasher hasher, Config config, Clock clock,
      ExecutorService background) {
    this.db = db;
    this.users = users;
    this.hasher = hasher;
    this.clock = clock;
    this.background = background;
    this.throttle = new LoginThrottle(config.loginMaxFailures(), config.loginMaxFailuresPerAddress(),
        config.loginFailureWindow().toMillis(), clock);
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
    long sessionId = db.write(c -> SessionTable.insert(c, Tokens.hash(token), user.id(), Instant.ofEpochMilli(now),
        expires));
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
      long revision = SessionTable.endAll(c, who.id(), who.sessionId());
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
    if (now - live.persistedLastSeen > PERSIST_EVERY_MILLIS) {
      live.persistedLastSeen = now;
      long sessionId = live.principal.sessionId();
      background.execute(() -> persistLastSeen(sessionId, now));
    }
    return Optional.of(live.principal);
  }

  /** Loads a token this instance has not seen (or has dropped). Blocking. */
  public Principal load(String token) {
    for (int attempt = 0; ; attempt++) {
      long revocationsBefore = revocations.get();
      Principal p = loadOnce(token);
      // a revocation applied while the row was read may have missed the entry just remembered: read again
      if (revocations.get() == revocationsBefore || attempt == 3) return p;
      Live live = byToken.get(token);
      if (live != null) forget(token, live);
    }
  }

  private Principal loadOnce(String token) {
    Optional<Principal> hit = cached(token);
    if (hit.isPresent()) return hit.get();
    long now = clock.millis();
    record Row(long id, long userId, String username, boolean active, long expires, long lastSeen) {}
    Optional<Row> row = db.fill(c -> Jdbc.one(c, """
        SELECT s.id, s.user_id, u.username, u.is_active, s.expires_at, s.last_seen_at
        FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.token_hash = ? AND s.revoked_at IS NULL""",
        rs -> new Row(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getBoolean(4),
            rs.getTimestamp(5).getTime(), rs.getTimestamp(6).getTime()),
        (Object) Tokens.hash(token)));
    // another instance may have used the session up to PERSIST_EVERY_MILLIS before it wrote last_seen_at;
    // when this instance saw it last, its own clock is exact
    Live local = byToken.get(token);
    long lastSeen = row.map(Row::lastSeen).orElse(0L);
    long slack = PERSIST_EVERY_MILLIS;
    if (local != null && local.lastSeen >= lastSeen) {
      lastSeen = local.lastSeen;
      slack = 0;
    }
    if (row.isEmpty() || !row.get().active() || now >= row.get().expires() || now - lastSeen > idleMillis + slack) {
      if (local != null) forget(token, local);
      throw new ServiceException.Unauthenticated("invalid_token", "the session is unknown, expired or revoked");
    }
    Row r = row.get();
    Live live = new Live(Principal.user(r.userId(), r.username(), r.id()), r.expires(), now);
    remember(token, live);
    return live.principal;
  }

  /** Ends a session on every instance. Blocking. */
  public void logout(Principal who) {
    db.write(c -> SessionTable.revoke(c, who.sessionId(), who.id()));
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
      if (now >= live.absoluteExpiry || now - live.lastSeen > idleMillis + PERSIST_EVERY_MILLIS) forget(token, live);
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

  private void persistLastSeen(long sessionId, long now) {
    try {
      db.write(c -> {
        SessionTable.touch(c, sessionId, Instant.ofEpochMilli(now));
        return null;
      });
    } catch (RuntimeException e) {
      // best effort: the next request retries; an instance that never persists only shortens idle time elsewhere
    }
  }
}
