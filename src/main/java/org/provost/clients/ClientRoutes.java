package org.provost.clients;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.regex.Pattern;
import org.provost.audit.Audit;
import org.provost.authz.Authority;
import org.provost.authz.Scope;
import org.provost.db.Changelog;
import org.provost.db.Database;
import org.provost.db.Jdbc;
import org.provost.error.ServiceException;
import org.provost.feed.Change;
import org.provost.http.Api;
import org.provost.http.Input;
import org.provost.http.Principal;
import org.provost.http.Reply;
import org.provost.security.Tokens;

/**
 * {@code /v1/clients}: API keys for campus applications. A key is shown once, at creation or rotation. A
 * key lists permissions (held globally) and has an owner, the person whose current authority bounds it:
 * always whoever holds its secret: the person who made it (for a key made by a key, that key's owner), who
 * last rotated it, or who took it over. Making, rotating, taking over and revoking a key all need
 * {@code clients.write} and each of its permissions, globally ({@link Authority#requireClientChange}). A key
 * whose owner is deactivated stops working until someone takes it over (and should rotate it).
 */
public final class ClientRoutes {
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,99}");
  private static final String SELECT = """
      SELECT k.id, k.name, k.key_prefix, k.created_at, k.revoked_at, k.rotated_at, k.owner_id, o.username AS owner,
             coalesce(array_agg(p.name ORDER BY p.name) FILTER (WHERE p.name IS NOT NULL), '{}') AS perms
      FROM api_clients k LEFT JOIN users o ON o.id = k.owner_id
      LEFT JOIN api_client_permissions kp ON kp.client_id = k.id
      LEFT JOIN permissions p ON p.id = kp.permission_id""";

  private ClientRoutes() {}

  public static void mount(Api api, Database db, ClientService clients, Authority authority) {
    api.describe("/openapi/clients.json");
    api.blocking(HttpMethod.GET, "/v1/clients", req -> db.read(c -> {
      authority.require(c, req.principal(), "clients.write", Scope.GLOBAL);
      JsonArray items = new JsonArray();
      Jdbc.list(c, SELECT + " GROUP BY k.id, o.username ORDER BY k.id", rs -> items.add(toJson(rs)));
      return Reply.ok(new JsonObject().put("items", items));
    }));

    api.blocking(HttpMethod.POST, "/v1/clients", req -> {
      Input in = req.json("name", "permissions");
      String name = in.requiredString("name", 100, NAME, "must be lowercase letters, digits, '.', '_' or '-'");
      List<String> permissions = in.optionalStringList("permissions", 100, 200);
      in.validate();
      List<String> perms = permissions == null ? List.of("authz.check") : permissions;
      String key = Tokens.newToken(Tokens.API_KEY_PREFIX);
      Principal who = req.principal();
      return authority.write(db, c -> {
        authority.requireToWrite(c, who, "clients.write", Scope.GLOBAL);
        requireKnown(c, perms);
        authority.requireClientChange(c, who, perms);
        long owner = who.authorityUserId();
        long id = Jdbc.returningLong(c, """
            INSERT INTO api_clients (name, key_hash, key_prefix, created_by, owner_id) VALUES (?, ?, ?, ?, ?)
            RETURNING id""", name, Tokens.hash(key), key.substring(0, 12), who.actorUserId(), owner);
        Jdbc.update(c, """
            INSERT INTO api_client_permissions (client_id, permission_id)
            SELECT ?, id FROM permissions WHERE name = ANY (?)""", id, perms.toArray(String[]::new));
        long revision = Changelog.record(c, Change.Entity.CLIENT, id, Change.Op.CREATE, owner);
        JsonObject body = get(c, id);
        Audit.record(c, who, "client.create", "client", id, null, body);
        return Reply.created(body.copy().put("key", key).put("revision", revision));
      });
    });

    // rotating and taking over are one act: the caller gets a new secret and becomes the key's owner (whoever
    // holds a key's secret owns it, so a key never acts with the authority of someone who does not hold it)
    api.blocking(HttpMethod.POST, "/v1/clients/{id}/rotate", req -> rotate(db, clients, authority, req,
        req.pathId("id", "client"), "client.rotate"));

    api.blocking(HttpMethod.PATCH, "/v1/clients/{id}", req -> {
      long id = req.pathId("id", "client");
      Input in = req.json("owner");
      String owner = in.requiredString("owner", 254);
      in.validate();
      Principal who = req.principal();
      if (!who.isUser() || !(owner.equals(Long.toString(who.id())) || owner.equals(who.name()))) {
        throw new ServiceException.InvalidInput("owner", "a key can only be taken over by the person making"
            + " this request (send your own username or id); it is rotated, and the new key is yours");
      }
      return rotate(db, clients, authority, req, id, "client.reown");
    });

    api.blocking(HttpMethod.DELETE, "/v1/clients/{id}", req -> {
      long id = req.pathId("id", "client");
      Reply reply = authority.write(db, c -> {
        JsonObject before = requireChange(c, authority, req.principal(), id);
        int n = Jdbc.update(c, "UPDATE api_clients SET revoked_at = now() WHERE id = ? AND revoked_at IS NULL", id);
        if (n == 0) throw new ServiceException.NotFound("client", id);
        long revision = Changelog.record(c, Change.Entity.CLIENT, id, Change.Op.REVOKE, ownerOf(before));
        Audit.record(c, req.principal(), "client.revoke", "client", id, before, null);
        return Reply.ok(new JsonObject().put("id", id).put("revoked", true).put("revision", revision));
      });
      clients.evict(id);
      return reply;
    });
  }

  private static Reply rotate(Database db, ClientService clients, Authority authority, org.provost.http.Request req,
      long id, String action) {
    String key = Tokens.newToken(Tokens.API_KEY_PREFIX);
    Reply reply = authority.write(db, c -> {
      JsonObject before = requireChange(c, authority, req.principal(), id);
      long owner = requireOwnerCandidate(req.principal());
      Jdbc.update(c, """
          UPDATE api_clients SET key_hash = ?, key_prefix = ?, rotated_at = now(), owner_id = ? WHERE id = ?""",
          Tokens.hash(key), key.substring(0, 12), owner, id);
      long revision = Changelog.record(c, Change.Entity.CLIENT, id, Change.Op.ROTATE, owner);
      JsonObject after = get(c, id);
      Audit.record(c, req.principal(), action, "client", id, before, after);
      return Reply.ok(after.copy().put("key", key).put("revision", revision));
    });
    clients.evict(id);
    return reply;
  }

  /** A person acting in their own name may own a key; a key may not own another key. */
  private static long requireOwnerCandidate(Principal who) {
    if (!who.isUser()) {
      throw new ServiceException.Forbidden("forbidden", "an API key cannot take over or rotate a key; a person"
          + " must, and becomes its owner");
    }
    return who.id();
  }

  /** The live (unrevoked) client {@code id}, once {@code who} may change it; 404 when unknown or revoked. */
  private static JsonObject requireChange(Connection c, Authority authority, Principal who, long id)
      throws SQLException {
    authority.requireToWrite(c, who, "clients.write", Scope.GLOBAL); // before a 404 tells anything
    JsonObject client = get(c, id);
    if (client.getBoolean("revoked")) throw new ServiceException.NotFound("client", id);
    List<String> perms = client.getJsonArray("permissions").stream().map(String::valueOf).toList();
    authority.requireClientChange(c, who, perms);
    return client;
  }

  private static JsonObject get(Connection c, long id) throws SQLException {
    return Jdbc.one(c, SELECT + " WHERE k.id = ? GROUP BY k.id, o.username", ClientRoutes::toJson, id)
        .orElseThrow(() -> new ServiceException.NotFound("client", id));
  }

  private static long ownerOf(JsonObject client) {
    Long owner = client.getLong("owner_id");
    return owner == null ? Change.NO_USER : owner;
  }

  private static JsonObject toJson(java.sql.ResultSet rs) throws SQLException {
    return new JsonObject().put("id", rs.getLong("id")).put("name", rs.getString("name"))
        .put("key_prefix", rs.getString("key_prefix"))
        .put("permissions", new JsonArray(List.of((Object[]) rs.getArray("perms").getArray())))
        .put("owner_id", Jdbc.nullableLong(rs, "owner_id"))
        .put("owner", rs.getString("owner"))
        .put("created_at", rs.getTimestamp("created_at").toInstant().toString())
        .put("rotated_at", rs.getTimestamp("rotated_at") == null ? null
            : rs.getTimestamp("rotated_at").toInstant().toString())
        .put("revoked", rs.getTimestamp("revoked_at") != null);
  }

  private static void requireKnown(Connection c, List<String> permissions) throws SQLException {
    for (String p : permissions) {
      if (Jdbc.one(c, "SELECT 1 FROM permissions WHERE name = ?", rs -> true, p).isEmpty()) {
        throw new ServiceException.InvalidInput("permissions", "unknown permission " + p);
      }
    }
  }
}
