package org.provost.clients;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongPredicate;
import org.provost.db.Database;
import org.provost.db.Jdbc;
import org.provost.error.ServiceException;
import org.provost.feed.Change;
import org.provost.http.Principal;
import org.provost.security.Tokens;

/**
 * API keys of campus applications: validated from memory once loaded; revocations and rotations arrive by
 * the feed. A key works only while its owner is an active user (asked of the authorization index on every
 * request, so a deactivation stops the owner's keys on every instance as soon as it is applied); what it
 * may do is bounded by the owner's current grants (see {@code Authority}).
 */
public final class ClientService {
  private final Database db;
  private final LongPredicate activeUser;
  private final Map<String, Principal> byKey = new ConcurrentHashMap<>();
  /** Bumped by every eviction: a load that read its row before one may hold a key that eviction ended. */
  private final java.util.concurrent.atomic.AtomicLong evictions = new java.util.concurrent.atomic.AtomicLong();

  /** @param activeUser whether a user id names an active user now (never blocks) */
  public ClientService(Database db, LongPredicate activeUser) {
    this.db = db;
    this.activeUser = activeUser;
  }

  /**
   * The key's principal when known in memory and its owner is active; empty otherwise (then
   * {@link #load} answers, with the reason). Never blocks.
   */
  public Optional<Principal> cached(String key) {
    Principal p = byKey.get(key);
    return p != null && p.ownerId() != Principal.NO_OWNER && activeUser.test(p.ownerId())
        ? Optional.of(p) : Optional.empty();
  }

  /**
   * Loads a key from PostgreSQL and keeps it in memory. Blocking. When an eviction was applied while the row
   * was read (the change feed revoking or rotating a key), the row may predate it: it is read again, and after
   * {@link #LOAD_ATTEMPTS} such reads the principal is answered but not kept, so the next use reads it again
   * rather than trust a key a later revision may have ended.
   *
   * @throws ServiceException.Unauthenticated when the key is unknown or revoked, or its owner is inactive
   */
  public Principal load(String key) {
    for (int attempt = 1; ; attempt++) {
      long before = evictions.get();
      Principal p = loadOnce(key, before, attempt == 1);
      if (evictions.get() == before) return requireOwner(p);
      byKey.remove(key, p);
      if (attempt == LOAD_ATTEMPTS) return requireOwner(p);
    }
  }

  /** How many times {@link #load} reads a key whose row an eviction may have overtaken. */
  static final int LOAD_ATTEMPTS = 4;

  /**
   * Reads the key and keeps it only if no eviction ran since {@code before}: {@link #evict} counts first and
   * removes second, so an entry is either never kept or still there for its removal. On a retry the entry
   * in memory is not trusted (another load may have kept it before an eviction it could not see).
   */
  private Principal loadOnce(String key, long before, boolean mayUseMemory) {
    Principal hit = mayUseMemory ? byKey.get(key) : null;
    if (hit != null) return hit;
    record Row(long id, String name, long owner, String permission) {}
    List<Row> rows = db.fill(c -> Jdbc.list(c, """
        SELECT k.id, k.name, coalesce(k.owner_id, -1), p.name FROM api_clients k
        LEFT JOIN api_client_permissions kp ON kp.client_id = k.id
        LEFT JOIN permissions p ON p.id = kp.permission_id
        WHERE k.key_hash = ? AND k.revoked_at IS NULL""",
        rs -> new Row(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getString(4)), (Object) Tokens.hash(key)));
    if (rows.isEmpty()) {
      throw new ServiceException.Unauthenticated("invalid_token", "the API key is unknown or revoked");
    }
    Set<String> permissions = new HashSet<>();
    for (Row r : rows) if (r.permission() != null) permissions.add(r.permission());
    Row first = rows.getFirst();
    Principal p = Principal.client(first.id(), first.name(), permissions, first.owner());
    byKey.compute(key, (k, kept) -> evictions.get() == before ? p : kept);
    return p;
  }

  private Principal requireOwner(Principal p) {
    if (p.ownerId() == Principal.NO_OWNER || !activeUser.test(p.ownerId())) {
      throw new ServiceException.Unauthenticated("owner_inactive", "the API key's owner is deactivated or gone;"
          + " an administrator can hand the key to someone else (PATCH /v1/clients/" + p.id() + ")");
    }
    return p;
  }

  /** Forgets a client at once on this instance; others hear of it through the feed. */
  public void evict(long clientId) {
    evictions.incrementAndGet(); // first: a load that reads the row from now on sees the change
    byKey.values().removeIf(p -> p.id() == clientId);
  }

  /** Drops revoked, rotated and re-owned clients from memory (change feed). */
  public void apply(List<Change> changes) {
    for (Change change : changes) {
      switch (change.entity()) {
        case CLIENT -> evict(change.entityId());
        case USER, GRANT, SESSION, ROLE, PERMISSION, DEPARTMENT, COURSE, TERM, OFFERING, BULK -> { }
      }
    }
  }
}
