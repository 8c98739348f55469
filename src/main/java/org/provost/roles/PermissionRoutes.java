package org.provost.roles;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.regex.Pattern;
import org.provost.audit.Audit;
import org.provost.authz.Authority;
import org.provost.authz.Scope;
import org.provost.db.Changelog;
import org.provost.feed.Change;
import org.provost.db.Database;
import org.provost.db.Jdbc;
import org.provost.http.Api;
import org.provost.http.Input;
import org.provost.http.Reply;

/**
 * {@code /v1/permissions}: anyone signed in may list them; defining one needs {@code roles.write} globally.
 * A new permission is held at once by the built-in admin role (which holds every permission) and by no
 * other role.
 */
final class PermissionRoutes {
  static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+");
  static final int MAX_NAME = 100;
  private static final int MAX_DESCRIPTION = 500;

  private PermissionRoutes() {}

  static void mount(Api api, Database db, Authority authority, org.provost.redis.SharedCache cache) {
    api.blocking(HttpMethod.GET, "/v1/permissions", req -> Reply.okEncoded(io.vertx.core.buffer.Buffer.buffer(
        cache.get("permissions", () -> db.read(c -> {
          JsonArray items = new JsonArray();
          Jdbc.list(c, "SELECT name, description, builtin FROM permissions ORDER BY name",
              rs -> items.add(toJson(rs)));
          return new JsonObject().put("items", items).encode();
        })))));

    api.blocking(HttpMethod.POST, "/v1/permissions", req -> {
      Input in = req.json("name", "description");
      String name = in.requiredString("name", MAX_NAME, NAME,
          "must be dotted lowercase words such as grades.write: letters, digits and '_', each word starting"
              + " with a letter");
      String description = in.optionalString("description", MAX_DESCRIPTION);
      in.validate();
      return authority.write(db, c -> {
        authority.requireToWrite(c, req.principal(), "roles.write", Scope.GLOBAL);
        long id = Jdbc.returningLong(c, "INSERT INTO permissions (name, description) VALUES (?, ?) RETURNING id",
            name, description == null ? "" : description);
        // the built-in admin role holds every permission, including this one from now on
        Jdbc.update(c, "INSERT INTO role_permissions (role_id, permission_id)"
            + " SELECT id, ? FROM roles WHERE name = 'admin' AND builtin", id);
        long revision = Changelog.record(c, Change.Entity.PERMISSION, id, Change.Op.CREATE, Change.NO_USER);
        JsonObject created = Jdbc.one(c, "SELECT name, description, builtin FROM permissions WHERE id = ?",
            PermissionRoutes::toJson, id).orElseThrow();
        Audit.record(c, req.principal(), "permission.create", "permission", name, null, created);
        return Reply.created(created.copy().put("revision", revision));
      });
    });
  }

  private static JsonObject toJson(ResultSet rs) throws SQLException {
    return new JsonObject().put("name", rs.getString("name")).put("description", rs.getString("description"))
        .put("builtin", rs.getBoolean("builtin"));
  }
}
