package org.provost.clients;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.regex.Pattern;
import org.provost.audit.Audit;
import org.provost.authz.Guard;
import org.provost.authz.Scope;
import org.provost.db.Changelog;
import org.provost.db.Database;
import org.provost.db.Jdbc;
import org.provost.error.ServiceException;
import org.provost.http.Api;
import org.provost.http.Input;
import org.provost.http.Principal;
import org.provost.http.Reply;
import org.provost.security.Tokens;

/**
 * {@code /v1/clients}: API keys for campus applications. A key is shown once, at creation. A client holds
 * permissions globally; its creator must hold each of them globally too.
 */
public final class ClientRoutes {
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,99}");

  private ClientRoutes() {}

  public static void mount(Api api, Database db, ClientService clients, Guard guard) {
    api.describe("/openapi/clients.json");
    api.blocking(HttpMethod.GET, "/v1/clients", req -> db.read(c -> {
      guard.require(c, req.principal(), "clients.write", Scope.GLOBAL);
      JsonArray items = new JsonArray();
      Jdbc.list(c, """
          SELECT k.id, k.name, k.key_prefix, k.created_at, k.revoked_at,
                 coalesce(array_agg(p.name ORDER BY p.name) FILTER (WHERE p.name IS NOT NULL), '{}') AS perms
          FROM api_clients k LEFT JOIN api_client_permissions kp ON kp.client_id = k.id
          LEFT JOIN permissions p ON p.id = kp.permission_id GROUP BY k.id ORDER BY k.id""",
          rs -> items.add(new JsonObject().put("id", rs.getLong("id")).put("name", rs.getString("name"))
              .put("key_prefix", rs.getString("key_prefix"))
              .put("permissions", new JsonArray(List.of((Object[]) rs.getArray("perms").getArray())))
              .put("created_at", rs.getTimestamp("created_at").toInstant().toString())
              .put("revoked", rs.getTimestamp("revoked_at") != null)));
      return Reply.ok(new JsonObject().put("items", items));
    }));

    api.blocking(HttpMethod.POST, "/v1/clients", req -> {
      Input in = req.json("name", "permissions");
      String name = in.requiredString("name", 100, NAME, "must be lowercase letters, digits, '.', '_' or '-'");
      List<String> permissions = in.optionalStringList("permissions", 100, 200);
      in.validate();
      List<String> perms = permissions == null ? List.of("authz.check") : permissions;
      String key = Tokens.newToken(Tokens.API_KEY_PREFIX);
      return db.write(c -> {
        guard.require(c, req.principal(), "clients.write", Scope.GLOBAL);
        for (String p : perms) requireHeld(c, guard, req.principal(), p);
        long id = Jdbc.returningLong(c,
            "INSERT INTO api_clients (name, key_hash, key_prefix, created_by) VALUES (?, ?, ?, ?) RETURNING id",
            name, Tokens.hash(key), key.substring(0, 12), req.principal().actorUserId());
        Jdbc.update(c, """
            INSERT INTO api_client_permissions (client_id, permission_id)
            SELECT ?, id FROM permissions WHERE name = ANY (?)""", id, perms.toArray(String[]::new));
        JsonObject body = new JsonObject().put("id", id).put("name", name)
            .put("permissions", new JsonArray(List.copyOf(perms)));
        Audit.record(c, req.principal(), "client.create", "client", id, null, body);
        return Reply.created(body.copy().put("key", key));
      });
    });

    api.blocking(HttpMethod.DELETE, "/v1/clients/{id}", req -> {
      long id = req.pathId("id", "client");
      Reply reply = db.write(c -> {
        guard.require(c, req.principal(), "clients.write", Scope.GLOBAL);
        int n = Jdbc.update(c, "UPDATE api_clients SET revoked_at = now() WHERE id = ? AND revoked_at IS NULL", id);
        if (n == 0) throw new ServiceException.NotFound("client", id);
        long revision = Changelog.record(c, "client", id, "revoke");
        Audit.record(c, req.principal(), "client.revoke", "client", id, null, null);
        return Reply.ok(new JsonObject().put("id", id).put("revoked", true).put("revision", revision));
      });
      clients.evict(id);
      return reply;
    });
  }

  private static void requireHeld(Connection c, Guard guard, Principal who, String permission) throws SQLException {
    if (Jdbc.one(c, "SELECT 1 FROM permissions WHERE name = ?", rs -> true, permission).isEmpty()) {
      throw new ServiceException.InvalidInput("permissions", "unknown permission " + permission);
    }
    if (!guard.holds(c, who, permission, Scope.GLOBAL)) {
      throw new ServiceException.Forbidden("cannot_delegate",
          "you cannot give a client " + permission + ": you do not hold it globally");
    }
  }
}
