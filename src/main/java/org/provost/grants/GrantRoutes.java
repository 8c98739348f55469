package org.provost.grants;

import io.micrometer.core.instrument.Counter;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.provost.audit.Audit;
import org.provost.authz.Authority;
import org.provost.authz.Scope;
import org.provost.authz.Scopes;
import org.provost.db.Database;
import org.provost.error.ServiceException;
import org.provost.error.ServiceException.FieldError;
import org.provost.http.Api;
import org.provost.http.Reply;

/**
 * {@code /v1/users/{id}/grants} and {@code /v1/grants/{id}}. People read their own grants; otherwise reading
 * needs {@code grants.read} in the user's department (global for a user without one). Granting and revoking
 * follow {@link Authority} (delegation, domination of the holder, never to oneself; a revoke never removes
 * the last active global admin). Each write takes the changelog's lock before its checks, which serializes
 * grant writes, and answers the revision it is visible at (applied on this instance before it answers).
 */
public final class GrantRoutes {
  private GrantRoutes() {}

  public static void mount(Api api, Database db, Authority authority) {
    api.describe("/openapi/grants.json");
    // provost_grants_total{op}: grants made and revoked through this instance's API, counted once committed
    Counter granted = Counter.builder("provost.grants").description("grants committed through the API")
        .tag("op", "grant").register(api.meters());
    Counter revoked = Counter.builder("provost.grants").description("grants committed through the API")
        .tag("op", "revoke").register(api.meters());

    api.blocking(HttpMethod.GET, "/v1/users/{id}/grants", req -> {
      long userId = req.pathId("id", "user");
      return db.query(c -> UserGrantsPage.read(c, authority, req.principal(), userId));
    });

    api.blockingGrouped(HttpMethod.POST, "/v1/users/{id}/grants", req -> {
      long userId = req.pathId("id", "user");
      NewGrant g = NewGrant.read(req.json(NewGrant.FIELDS));
      return counted(granted, authority.writeGrouped(db, c -> {
        // the user (404 when unknown), the role, the scope (found, locked against deletion until commit, as
        // grants name their scope without a foreign key, and named) and whether this grant is held already:
        // one round trip under the writer lock
        GrantStore.Resolved resolved = GrantStore.resolve(c, userId, g);
        Optional<Long> roleId = Optional.ofNullable(resolved.roleId());
        Optional<Scopes.Found> scope = resolved.scope();
        List<FieldError> errors = new ArrayList<>();
        if (roleId.isEmpty()) errors.add(new FieldError("role", "no such role: " + g.role()));
        if (scope.isEmpty()) errors.add(new FieldError("scope", "names a " + g.scope().kind().prefix()
            + " that does not exist"));
        if (!errors.isEmpty()) throw new ServiceException.InvalidInput(errors);
        Scope where = scope.get().scope();
        String scopeName = scope.get().name();
        authority.requireGrant(c, req.principal(), userId, roleId.get(), g.role(), where, scopeName);
        // every refusal before the first change (a grouped write: GroupCommit); under the writer lock no
        // duplicate can appear between the resolve and the insert
        if (resolved.held()) {
          throw new ServiceException.Conflict("duplicate", "user " + userId + " already holds role " + g.role()
              + " in " + scopeName + " for the same period",
              List.of(new FieldError("role", "already granted to this user in this scope for the same period")));
        }
        Grant created = GrantStore.insert(c, userId, roleId.get(), g.role(), where, scopeName, g,
            req.principal().actorUserId());
        Audit.record(c, req.principal(), "grant.create", "grant", created.id(), null, created.toJson());
        return Reply.created(created.toJson());
      }));
    });

    api.blockingGrouped(HttpMethod.DELETE, "/v1/grants/{id}", req -> {
      long id = req.pathId("id", "grant");
      return counted(revoked, authority.writeGrouped(db, c -> {
        Grant before = GrantStore.get(c, id);
        authority.requireRevoke(c, req.principal(), before.userId(), before.roleId(), before.role(),
            before.scope(), before.scopeName());
        // only a global grant of the admin role can be the last administrator's: the count is skipped for
        // every other revoke, and made before the delete (every refusal before the first change)
        if (before.role().equals("admin") && before.scope().kind() == Scope.Kind.GLOBAL) {
          authority.requireAdminRemainsWithout(c, id);
        }
        long revision = GrantStore.delete(c, id, before.userId());
        // a concurrent revoke may have won while this one waited for the changelog lock
        if (revision < 0) throw new ServiceException.NotFound("grant", id);
        Audit.record(c, req.principal(), "grant.revoke", "grant", id, before.toJson(), null);
        return Reply.ok(new JsonObject().put("id", id).put("revoked", true).put("revision", revision));
      }));
    });
  }

  private static Reply counted(Counter counter, Reply committed) {
    counter.increment();
    return committed;
  }
}
