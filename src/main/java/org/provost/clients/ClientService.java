package org.provost.clients;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.provost.db.Database;
import org.provost.db.Jdbc;
import org.provost.error.ServiceException;
import org.provost.feed.Change;
import org.provost.http.Principal;
import org.provost.security.Tokens;

/** API keys of campus applications: validated from memory once loaded; revocations arrive by the feed. */
public final class ClientService {
  private final Database db;
  private final Map<String, Principal> byKey = new ConcurrentHashMap<>();

  public ClientService(Database db) {
    this.db = db;
  }

  public Optional<Principal> cached(String key) {
    return Optional.ofNullable(byKey.get(key));
  }

  /** Loads a key from PostgreSQL. Blocking. */
  public Principal load(String key) {
    Principal hit = byKey.get(key);
    if (hit != null) return hit;
    record Row(long id, String name, String permission) {}
    List<Row> rows = db.readPrimary(c -> Jdbc.list(c, """
        SELECT k.id, k.name, p.name FROM api_clients k
        LEFT JOIN api_client_permissions kp ON kp.client_id = k.id
        LEFT JOIN permissions p ON p.id = kp.permission_id
        WHERE k.key_hash = ? AND k.revoked_at IS NULL""",
        rs -> new Row(rs.getLong(1), rs.getString(2), rs.getString(3)), (Object) Tokens.hash(key)));
    if (rows.isEmpty()) {
      throw new ServiceException.Unauthenticated("invalid_token", "the API key is unknown or revoked");
    }
    Set<String> permissions = new HashSet<>();
    for (Row r : rows) if (r.permission() != null) permissions.add(r.permission());
    Principal p = Principal.client(rows.getFirst().id(), rows.getFirst().name(), permissions);
    byKey.put(key, p);
    return p;
  }

  /** Forgets a revoked client at once on this instance; others hear of it through the feed. */
  public void evict(long clientId) {
    byKey.values().removeIf(p -> p.id() == clientId);
  }

  /** Drops revoked clients from memory (change feed). */
  public void apply(List<Change> changes) {
    for (Change change : changes) {
      if (change.entity().equals("client")) {
        evict(Long.parseLong(change.entityId()));
      }
    }
  }
}
