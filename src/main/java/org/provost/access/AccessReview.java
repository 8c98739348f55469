package org.provost.access;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.provost.authz.Scope;
import org.provost.db.Jdbc;

/**
 * Who held a permission on a scope at an instant, one page of holders in user id order, with the grants
 * that gave it. The scope rule is {@code /v1/check}'s, applied to the structure as it was then.
 *
 * <p>The page's user ids come from one query that is a UNION ALL of one range per (role carrying the
 * permission, scope covering the resource), each an index range of
 * {@code grant_history (role_id, scope_type, coalesce(scope_id, 0), user_id)} starting after the cursor:
 * PostgreSQL merges them in user order and stops after {@code limit + 1} distinct active users, so a page
 * costs about its own size, not the number of holders.
 */
final class AccessReview {
  /** One user and the grants that gave them the permission. */
  record Holder(UserAt user, List<HeldGrant> grants) {}

  /** A page of holders; {@code hasMore} when users after the last one hold it too. */
  record Page(List<Holder> holders, boolean hasMore) {}

  private AccessReview() {}

  /**
   * @param resource the scope as it was at the instant
   * @param after the cursor: only users with a larger id (0: from the start)
   * @param limit page size, at least 1
   */
  static Page page(Connection c, PastState state, String permission, Scope resource, long after, int limit)
      throws SQLException {
    List<Scope> covering = state.covering(resource);
    RolesAt roles = state.roles();
    Map<Long, List<String>> carriers = roles.carriers(permission);
    if (carriers.isEmpty()) return new Page(List.of(), false);
    List<String> branches = new ArrayList<>();
    List<Object> params = new ArrayList<>();
    var at = state.at();
    for (long role : carriers.keySet()) {
      for (Scope s : covering) {
        branches.add("SELECT user_id FROM grant_history WHERE role_id = ? AND scope_type = ?"
            + " AND coalesce(scope_id, 0) = ? AND user_id > ? AND" + HeldGrant.LIVE);
        params.addAll(List.of(role, s.kind().code(), s.id(), after, at, at, at, at));
      }
    }
    params.addAll(List.of(at, at, limit + 1));
    List<Long> ids = Jdbc.list(c, "/* access.review.page */ SELECT DISTINCT h.user_id FROM ("
        + String.join(" UNION ALL ", branches) + ") h WHERE EXISTS (SELECT 1 FROM user_history u"
        + " WHERE u.id = h.user_id AND u.is_active AND u.from_at <= ? AND (u.to_at IS NULL OR u.to_at > ?))"
        + " ORDER BY h.user_id LIMIT ?", rs -> rs.getLong(1), params.toArray());
    boolean hasMore = ids.size() > limit;
    if (hasMore) ids = ids.subList(0, limit);
    if (ids.isEmpty()) return new Page(List.of(), false);

    Set<Scope> inScope = new HashSet<>(covering);
    List<HeldGrant> rows = Jdbc.list(c, "/* access.review.grants */ SELECT " + HeldGrant.COLUMNS
        + " FROM grant_history WHERE user_id = ANY (?) AND role_id = ANY (?) AND" + HeldGrant.LIVE
        + " ORDER BY user_id, id", HeldGrant::read, ids.toArray(Long[]::new),
        carriers.keySet().toArray(Long[]::new), at, at, at, at);
    rows.removeIf(g -> !inScope.contains(g.scope()));
    Set<Long> granters = new HashSet<>();
    for (HeldGrant g : rows) if (g.grantedBy() != null) granters.add(g.grantedBy());
    Map<Long, String> granterNames = state.usernames(granters);
    Map<Long, UserAt> users = state.users(ids);
    Map<Long, List<HeldGrant>> byUser = new LinkedHashMap<>();
    for (long id : ids) byUser.put(id, new ArrayList<>());
    for (HeldGrant g : rows) {
      byUser.get(g.userId()).add(g.named(roles.name(g.roleId()), carriers.get(g.roleId()), state.name(g.scope()),
          g.grantedBy() == null ? null : granterNames.get(g.grantedBy())));
    }
    List<Holder> holders = new ArrayList<>();
    byUser.forEach((id, grants) -> holders.add(new Holder(users.get(id), grants)));
    return new Page(holders, hasMore);
  }
}
