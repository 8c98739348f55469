package org.provost.sessions;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sessions in this process's memory: the reference backend of {@link SessionStore} (tests and tools; a
 * single process that needs no durability). Several stores may share one {@link Backend}, as several
 * instances share one PostgreSQL or Redis. Thread-safe; never blocks on I/O.
 */
public final class LocalSessionStore implements SessionStore {
  /** The shared memory: sessions by token hash (hex) and by id. Create one with {@code new Backend()}. */
  public static final class Backend {
    private final AtomicLong ids = new AtomicLong();
    private final Map<String, Session> byHash = new ConcurrentHashMap<>();
    private final Map<Long, String> hashById = new ConcurrentHashMap<>();
  }

  private final Backend backend;
  private final long idleMillis;

  /** A store of its own backend; sessions unused for {@code idleMillis} are no longer found. */
  public LocalSessionStore(long idleMillis) {
    this(new Backend(), idleMillis);
  }

  /** A store over {@code backend}, which other stores may share (as instances share a server). */
  public LocalSessionStore(Backend backend, long idleMillis) {
    this.backend = backend;
    this.idleMillis = idleMillis;
  }

  @Override
  public long create(byte[] tokenHash, long userId, String username, long now, long expiresAt) {
    long id = backend.ids.incrementAndGet();
    String key = HexFormat.of().formatHex(tokenHash);
    backend.byHash.put(key, new Session(id, userId, username, now, now, expiresAt));
    backend.hashById.put(id, key);
    return id;
  }

  @Override
  public Optional<Session> find(byte[] tokenHash, long now) {
    String key = HexFormat.of().formatHex(tokenHash);
    Session s = backend.byHash.get(key);
    if (s == null) return Optional.empty();
    if (now >= s.expiresAt()) { // past its lifetime it can never come back: dropped now
      backend.byHash.remove(key, s);
      backend.hashById.remove(s.id(), key);
    }
    return live(s, now) ? Optional.of(s) : Optional.empty();
  }

  private boolean live(Session s, long now) {
    return now < s.expiresAt() && now - s.lastSeen() <= idleMillis;
  }

  @Override
  public void touch(byte[] tokenHash, long sessionId, long now) {
    backend.byHash.computeIfPresent(HexFormat.of().formatHex(tokenHash), (k, s) -> s.id() != sessionId
        || s.lastSeen() >= now ? s : s.seenAt(now));
  }

  @Override
  public boolean end(long sessionId, long userId) {
    String key = backend.hashById.get(sessionId);
    Session s = key == null ? null : backend.byHash.get(key);
    if (s == null || s.userId() != userId) return false;
    backend.hashById.remove(sessionId, key);
    return backend.byHash.remove(key, s) || backend.byHash.remove(key) != null;
  }

  @Override
  public void endAll(long userId, long keepSessionId) {
    for (Session s : List.copyOf(backend.byHash.values())) {
      if (s.userId() == userId && s.id() != keepSessionId) end(s.id(), userId);
    }
  }

  @Override
  public List<Session> live(long userId, long now) {
    List<Session> found = new ArrayList<>();
    for (Session s : backend.byHash.values()) if (s.userId() == userId && live(s, now)) found.add(s);
    found.sort(Comparator.comparingLong(Session::id));
    return found;
  }
}
