package org.provost.users;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.provost.authz.Authority;
import org.provost.authz.Scope;
import org.provost.db.Database;
import org.provost.db.Jdbc;
import org.provost.error.ServiceException;
import org.provost.http.Api;
import org.provost.http.Reply;

/**
 * {@code GET /v1/users/changes?after=<change>}: every user created or changed after a cursor, for a
 * directory sync to follow. Each user appears at its current state, numbered by its latest change
 * ({@code change}); numbers are taken in commit order (see V21), so a reader that keeps asking with the
 * {@code next} it was given sees every committed change exactly once, including during an import. A user
 * changed again later appears again, with the higher number. Needs {@code users.read} globally.
 * Answers {@code {items: [user + change], next, has_more}}; {@code next} is the last item's change, or the
 * cursor it was asked with when nothing is new (so it can be polled as is).
 */
final class UserChangeFeed {
  static final int MAX_LIMIT = 1000;

  private UserChangeFeed() {}

  static void mount(Api api, Database db, Authority authority) {
    api.describe("/openapi/user-changes.json");
    api.blocking(HttpMethod.GET, "/v1/users/changes", req -> {
      int limit = req.queryInt("limit", 1, MAX_LIMIT, 100);
      long after = req.queryLong("after").orElse(0L);
      if (after < 0) throw new ServiceException.InvalidInput("after", "is not a cursor returned as next");
      return db.read(c -> {
        authority.require(c, req.principal(), "users.read", Scope.GLOBAL);
        record Row(User user, long change) {}
        List<Row> rows = Jdbc.list(c, "SELECT " + UserStore.COLUMNS + ", u.change_seq FROM users u"
            + " LEFT JOIN departments d ON d.id = u.department_id WHERE u.change_seq > ? ORDER BY u.change_seq"
            + " LIMIT ?", rs -> new Row(UserStore.map(rs), rs.getLong("change_seq")), after, limit + 1);
        boolean more = rows.size() > limit;
        List<Row> page = more ? rows.subList(0, limit) : rows;
        JsonArray items = new JsonArray();
        for (Row r : page) items.add(r.user().toJson().put("change", r.change()));
        long next = page.isEmpty() ? after : page.getLast().change();
        return Reply.ok(new JsonObject().put("items", items).put("next", Long.toString(next)).put("has_more", more));
      });
    });
  }
}
