package org.provost.roles;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.TreeSet;
import org.provost.audit.Audit;
import org.provost.authz.Authority;
import org.provost.authz.Scope;
import org.provost.db.Changelog;
import org.provost.feed.Change;
import org.provost.db.Database;
import org.provost.error.ServiceException;
import org.provost.http.Api;
import org.provost.http.Reply;
import org.provost.redis.SharedCache;
import io.vertx.core.buffer.Buffer;

/**
 * {@code /v1/roles} and {@code /v1/permissions}. Anyone signed in may read them; every write follows
 * {@link Authority#requireRoleChange} ({@code roles.write} globally, every permission added or removed held
 * globally, never the built-in admin role), is recorded in the changelog (it changes authorization
 * answers) and audited.
 * A write records its change first: that takes the changelog's writer lock, so concurrent role writes
 * cannot together build an include cycle that neither would alone.
 */
public final class RoleRoutes {
  private RoleRoutes() {}

  /**
   * The change-feed listener that keeps {@code cache} true: a role, permission or bulk change makes every
   * cached role-permission reply obsolete (on every instance: each applies every change).
   */
  public static java.util.function.Consumer<List<Change>> invalidator(SharedCache cache) {
    return changes -> {
      for (Change change : changes) {
        switch (change.entity()) {
          case ROLE, PERMISSION, BULK -> {
            cache.invalidate();
            return;
          }
          case USER, GRANT, SESSION, CLIENT, DEPARTMENT, COURSE, TERM, OFFERING -> { }
        }
      }
    };
  }

  /**
   * @param cache the role-permission read cache ({@code GET /v1/roles}, {@code /v1/roles/{name}},
   *     {@code /v1/permissions}; each a whole role graph loaded from SQL), {@link SharedCache#NONE} without
   *     Redis; invalidated through the change feed by every role or permission write
   */
  public static void mount(Api api, Database db, Authority authority, SharedCache cache) {
    api.describe("/openapi/roles.json");
    PermissionRoutes.mount(api, db, authority, cache);

    api.blocking(HttpMethod.GET, "/v1/roles", req -> Reply.okEncoded(Buffer.buffer(cache.get("roles", () ->
        db.read(c -> {
          RoleGraph graph = RoleGraph.load(c);
          JsonArray items = new JsonArray();
          for (Role r : graph.all()) items.add(graph.toJson(r));
          return new JsonObject().put("items", items).encode();
        })))));

    api.blocking(HttpMethod.GET, "/v1/roles/{name}", req -> {
      String name = req.path("name");
      return Reply.okEncoded(Buffer.buffer(cache.get("role:" + name, () -> db.read(c -> {
        RoleGraph graph = RoleGraph.load(c);
        return graph.toJson(graph.get(name)).encode();
      }))));
    });

    api.blocking(HttpMethod.POST, "/v1/roles", req -> {
      RoleSpec spec = RoleSpec.forCreate(req.json(RoleSpec.FIELDS));
      return authority.write(db, c -> {
        authority.requireToWrite(c, req.principal(), "roles.write", Scope.GLOBAL);
        long id = RoleStore.nextId(c);
        long revision = Changelog.record(c, Change.Entity.ROLE, id, Change.Op.CREATE, Change.NO_USER);
        RoleGraph graph = RoleGraph.load(c);
        if (graph.find(spec.name()).isPresent()) {
          throw new ServiceException.Conflict("duplicate", "role " + spec.name() + " already exists",
              List.of(new ServiceException.FieldError("name", "already exists")));
        }
        RoleRules.requireKnown(c, graph, spec.permissions(), spec.includes());
        RoleRules.requireAcyclic(graph, spec.name(), spec.includes());
        authority.requireRoleChange(c, req.principal(), spec.name(), false, new TreeSet<>(),
            graph.effectivePermissions(spec.permissions(), spec.includes()));
        RoleStore.insert(c, id, spec.name(), spec.description());
        RoleStore.replacePermissions(c, id, spec.permissions());
        RoleStore.replaceIncludes(c, id, spec.includes());
        RoleGraph after = RoleGraph.load(c);
        JsonObject created = after.toJson(after.get(spec.name()));
        Audit.record(c, req.principal(), "role.create", "role", spec.name(), null, created);
        return Reply.created(created.copy().put("revision", revision));
      });
    });

    api.blocking(HttpMethod.PATCH, "/v1/roles/{name}", req -> {
      String name = req.path("name");
      RoleSpec spec = RoleSpec.forChange(req.json(RoleSpec.FIELDS), req.routingContext().body().asJsonObject());
      return authority.write(db, c -> {
        authority.requireToWrite(c, req.principal(), "roles.write", Scope.GLOBAL);
        long id = RoleStore.findId(c, name).orElseThrow(() -> new ServiceException.NotFound("role", name));
        long revision = Changelog.record(c, Change.Entity.ROLE, id, Change.Op.UPDATE, Change.NO_USER);
        RoleGraph graph = RoleGraph.load(c);
        Role before = graph.get(name);
        RoleRules.requireKnown(c, graph, spec.permissions(), spec.includes());
        if (spec.name() != null && !spec.name().equals(name)) RoleRules.requireNotBuiltin(before, "renamed", "name");
        List<String> permissions = spec.permissions() != null ? spec.permissions() : List.copyOf(before.permissions());
        List<String> includes = spec.includes() != null ? spec.includes() : List.copyOf(before.includes());
        RoleRules.requireAcyclic(graph, name, includes);
        authority.requireRoleChange(c, req.principal(), name, RoleRules.isBuiltinAdmin(before),
            graph.effectivePermissions(name), graph.effectivePermissions(permissions, includes));
        RoleStore.update(c, id, spec.name(), spec.description());
        if (spec.permissions() != null) RoleStore.replacePermissions(c, id, permissions);
        if (spec.includes() != null) RoleStore.replaceIncludes(c, id, includes);
        RoleGraph after = RoleGraph.load(c);
        JsonObject changed = after.toJson(after.get(spec.name() != null ? spec.name() : name));
        Audit.record(c, req.principal(), "role.update", "role", name, graph.toJson(before), changed);
        return Reply.ok(changed.copy().put("revision", revision));
      });
    });

    api.blocking(HttpMethod.DELETE, "/v1/roles/{name}", req -> {
      String name = req.path("name");
      return authority.write(db, c -> {
        authority.requireToWrite(c, req.principal(), "roles.write", Scope.GLOBAL);
        long id = RoleStore.findId(c, name).orElseThrow(() -> new ServiceException.NotFound("role", name));
        long revision = Changelog.record(c, Change.Entity.ROLE, id, Change.Op.DELETE, Change.NO_USER);
        RoleGraph graph = RoleGraph.load(c);
        Role role = graph.get(name);
        authority.requireRoleChange(c, req.principal(), name, RoleRules.isBuiltinAdmin(role),
            graph.effectivePermissions(name), new TreeSet<>());
        RoleRules.requireNotBuiltin(role, "deleted", null);
        requireUnused(c, graph, role);
        RoleStore.delete(c, id);
        Audit.record(c, req.principal(), "role.delete", "role", name, graph.toJson(role), null);
        return Reply.ok(new JsonObject().put("name", name).put("deleted", true).put("revision", revision));
      });
    });
  }

  /** A role still granted (even by an expired grant) or included by another role stays. */
  private static void requireUnused(Connection c, RoleGraph graph, Role role) throws SQLException {
    long grants = RoleStore.grantCount(c, role.id());
    if (grants > 0) {
      throw new ServiceException.Conflict("in_use", "role " + role.name() + " is still granted (" + grants
          + " grant" + (grants == 1 ? "" : "s") + ", current or expired); revoke them first", List.of());
    }
    List<String> includers = graph.all().stream().filter(r -> r.includes().contains(role.name()))
        .map(Role::name).toList();
    if (!includers.isEmpty()) {
      throw new ServiceException.Conflict("in_use", "role " + role.name() + " is included by "
          + String.join(", ", includers) + "; remove it from their includes first", List.of());
    }
  }
}
