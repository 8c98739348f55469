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
 * <p>The page's user ids come from {@link #holders}: one bounded index range per (role carrying the
 * permission, scope covering the resource), merged in user order, so a page costs about its own size times
 * the number of such pairs, not the number of holders. Then one query fetches those users' grants.
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
    List<Long> ids = holders(c, state, carriers.keySet(), covering, after, limit + 1);
    boolean hasMore = ids.size() > limit;
    if (hasMore) ids = ids.subList(0, limit);
    if (ids.isEmpty()) return new Page(List.of(), false);

    var at = state.at();
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

  /**
   * The first {@code need} users (by id, above {@code after}) active at the instant who hold one of
   * {@code roles} in one of {@code scopes} then. Each (role, scope) pair is a branch: an index range of
   * {@code grant_history (role_id, scope_type, coalesce(scope_id, 0), user_id)} read in user order with a
   * LIMIT, all branches in one statement. The merged ids are certain only up to the smallest last id of a
   * branch that filled its LIMIT (beyond it that branch may hold smaller ids not yet read); when the active
   * users up to there are too few, it reads on from there with a doubled LIMIT. A page thus costs about
   * (branches x page size) index entries, whatever the number of holders (1M students hold library.borrow).
   */
  static List<Long> holders(Connection c, PastState state, Set<Long> roles, List<Scope> scopes, long after, int need)
      throws SQLException {
    var at = state.at();
    List<Long> out = new ArrayList<>();
    long cursor = after;
    int batch = need;
    while (true) {
      List<String> branches = new ArrayList<>();
      List<Object> params = new ArrayList<>();
      int b = 0;
      for (long role : roles) {
        for (Scope s : scopes) {
          branches.add("(SELECT " + b++ + " AS branch, user_id FROM grant_history WHERE role_id = ? AND scope_type = ?"
              + " AND coalesce(scope_id, 0) = ? AND user_id > ? AND" + HeldGrant.LIVE + " ORDER BY user_id LIMIT ?)");
          params.addAll(List.of(role, s.kind().code(), s.id(), cursor, at, at, at, at, batch));
        }
      }
      long[] last = new long[b];
      int[] count = new int[b];
      java.util.TreeSet<Long> merged = new java.util.TreeSet<>();
      Jdbc.list(c, "/* access.review.holders */ " + String.join(" UNION ALL ", branches), rs -> {
        int branch = rs.getInt(1);
        long user = rs.getLong(2);
        count[branch]++;
        last[branch] = Math.max(last[branch], user);
        return merged.add(user);
      }, params.toArray());
      long frontier = Long.MAX_VALUE;
      for (int i = 0; i < b; i++) if (count[i] == batch) frontier = Math.min(frontier, last[i]);
      List<Long> certain = new ArrayList<>(merged.headSet(frontier, true));
      if (!certain.isEmpty()) {
        Set<Long> active = new HashSet<>(Jdbc.list(c, "SELECT id FROM user_history WHERE id = ANY (?) AND is_active"
            + " AND from_at <= ? AND (to_at IS NULL OR to_at > ?)", rs -> rs.getLong(1),
            certain.toArray(Long[]::new), at, at));
        for (long id : certain) {
          if (active.contains(id)) out.add(id);
          if (out.size() == need) return out;
        }
      }
      if (frontier == Long.MAX_VALUE) return out;
      cursor = frontier;
      batch = Math.min(batch * 2, 10_000);
    }
  }
}
