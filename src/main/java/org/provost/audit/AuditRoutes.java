package org.provost.audit;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.provost.authz.Authority;
import org.provost.authz.Scope;
import org.provost.db.Database;
import org.provost.db.Jdbc;
import org.provost.error.ServiceException;
import org.provost.http.Api;
import org.provost.http.Reply;
import org.provost.users.Identifiers;

/**
 * {@code GET /v1/audit}: the append-only log, newest last, paged by event id (ids are taken in commit order,
 * so {@code after=} never skips an event that commits later); needs audit.read globally. {@code actor} is a
 * user id, a username (any form: the account that has it now, and events recorded under that name), or
 * {@code client:<name>}.
 */
public final class AuditRoutes {
  private AuditRoutes() {}

  public static void mount(Api api, Database db, Authority authority) {
    api.describe("/openapi/audit.json");
    api.blocking(HttpMethod.GET, "/v1/audit", req -> {
      int limit = req.queryInt("limit", 1, 1000, 100);
      long after = req.queryLong("after").orElse(0L);
      Optional<String> actor = req.query("actor");
      Optional<String> action = req.query("action");
      Optional<String> target = req.query("target");
      StringBuilder sql = new StringBuilder(
          "SELECT id, at, actor_id, actor, action, target_type, target_id, before, after, request_id"
          + " FROM audit_events WHERE id > ?");
      List<Object> params = new ArrayList<>(List.of(after));
      actor.ifPresent(a -> {
        if (a.chars().allMatch(ch -> ch >= '0' && ch <= '9') && a.length() <= 18) {
          sql.append(" AND actor_id = ?");
          params.add(Long.parseLong(a));
        } else {
          sql.append(" AND (actor = ? OR actor_id = (SELECT u.id FROM users u WHERE u.username_key = ?))");
          params.add(a);
          params.add(Identifiers.key(a));
        }
      });
      action.ifPresent(a -> {
        sql.append(" AND action = ?");
        params.add(a);
      });
      if (target.isPresent()) {
        int colon = target.get().indexOf(':');
        if (colon <= 0 || colon == target.get().length() - 1) {
          throw new ServiceException.InvalidInput("target", "must be <type>:<id>, e.g. user:42 or department:CS");
        }
        sql.append(" AND target_type = ? AND target_id = ?");
        params.add(target.get().substring(0, colon));
        params.add(target.get().substring(colon + 1));
      }
      sql.append(" ORDER BY id LIMIT ?");
      params.add(limit + 1);
      return db.read(c -> {
        authority.require(c, req.principal(), "audit.read", Scope.GLOBAL);
        JsonArray items = new JsonArray();
        Jdbc.list(c, sql.toString(), rs -> items.add(new JsonObject()
            .put("id", rs.getLong("id"))
            .put("at", rs.getTimestamp("at").toInstant().toString())
            .put("actor_id", Jdbc.nullableLong(rs, "actor_id"))
            .put("actor", rs.getString("actor"))
            .put("action", rs.getString("action"))
            .put("target", rs.getString("target_type") + ":" + rs.getString("target_id"))
            .put("before", json(rs.getString("before")))
            .put("after", json(rs.getString("after")))
            .put("request_id", rs.getString("request_id"))), params.toArray());
        boolean more = items.size() > limit;
        if (more) items.remove(limit);
        String next = more ? String.valueOf(items.getJsonObject(limit - 1).getLong("id")) : null;
        return Reply.ok(new JsonObject().put("items", items).put("next", next).put("has_more", more));
      });
    });
  }

  private static JsonObject json(String text) {
    return text == null ? null : new JsonObject(text);
  }
}
