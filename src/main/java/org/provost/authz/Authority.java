package org.provost.authz;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import org.provost.db.Changelog;
import org.provost.db.Database;
import org.provost.db.Jdbc;
import org.provost.error.ServiceException;
import org.provost.http.Principal;

/**
 * The one authority rule, enforced here for every write path (docs/SECURITY.md states it):
 * <ul>
 *   <li><b>holding</b>: a person holds what their valid grants carry; an API key holds a permission in a
 *       scope only if it is among the key's permissions and its owner holds it there now;</li>
 *   <li><b>domination</b>: an actor may act on a user's account or grants only when, for every permission
 *       the user holds through a grant that has not ended (current or future, active account or not), in
 *       any scope, the actor holds it in that scope or above;</li>
 *   <li><b>delegation</b>: granting or revoking a role in a scope needs {@code grants.write} there and every
 *       permission of the role's closure there; nobody grants to themselves (a key's owner included);</li>
 *   <li><b>roles</b>: the built-in {@code admin} role cannot be edited or deleted; editing another role
 *       needs {@code roles.write} globally and every permission the edit adds or removes, globally;</li>
 *   <li><b>last admin</b>: no write may leave no active user with a current global {@code admin} grant.</li>
 * </ul>
 * Every write check first takes the changelog's writer lock, so the state it reads (who holds what) cannot
 * change before the write it allows commits. Refusals are 403 with a stable code naming the reason
 * ({@code forbidden}, {@code outranked}, {@code cannot_delegate}, {@code self_grant}, {@code builtin_role})
 * or 409 {@code last_admin}.
 */
public final class Authority {
  /**
   * What users hold (user, permission, scope kind, scope id), ordered: AuthzIndex#holdings answers the same.
   * Names sort by code point ({@code COLLATE "C"}, Java's order), whatever the database's collation, so the
   * first permission a refusal names is the same from SQL and from the index.
   */
  static final String HOLDINGS = """
      WITH RECURSIVE live AS (
        SELECT g.user_id, g.role_id, g.scope_type, coalesce(g.scope_id, 0) AS scope_id FROM grants g
        WHERE g.user_id = ANY (?) AND (g.valid_until IS NULL OR g.valid_until > ?)),
      closure (user_id, scope_type, scope_id, role_id) AS (
        SELECT user_id, scope_type, scope_id, role_id FROM live
        UNION SELECT c.user_id, c.scope_type, c.scope_id, ri.included_role_id
        FROM closure c JOIN role_includes ri ON ri.role_id = c.role_id)
      SELECT DISTINCT g.user_id, p.name COLLATE "C" AS name, g.scope_type, g.scope_id FROM closure g
      JOIN role_permissions rp ON rp.role_id = g.role_id JOIN permissions p ON p.id = rp.permission_id
      ORDER BY 1, 3, 4, 2""";
  /** A role's permissions, its includes followed, sorted by code point: AuthzIndex#rolePermissions answers the same. */
  static final String ROLE_CLOSURE = """
      WITH RECURSIVE closure (role_id) AS (
        SELECT ?::bigint
        UNION SELECT ri.included_role_id FROM closure c JOIN role_includes ri ON ri.role_id = c.role_id)
      SELECT DISTINCT p.name COLLATE "C" AS name FROM closure c
      JOIN role_permissions rp ON rp.role_id = c.role_id JOIN permissions p ON p.id = rp.permission_id
      ORDER BY 1""";
  private static final String ACTIVE_ADMINS = """
      SELECT count(DISTINCT g.user_id) FROM grants g JOIN users u ON u.id = g.user_id
      JOIN roles r ON r.id = g.role_id
      WHERE r.name = 'admin' AND r.builtin AND g.scope_type = 0 AND u.is_active
        AND (g.valid_from IS NULL OR g.valid_from <= ?) AND (g.valid_until IS NULL OR g.valid_until > ?)""";

  private final ConsistentAuthorizer authorizer;
  private final Clock clock;

  public Authority(ConsistentAuthorizer authorizer, Clock clock) {
    this.authorizer = authorizer;
    this.clock = clock;
  }

  // ---- the transaction ----

  /**
   * Runs an authority-checked write: one transaction on the primary that holds the changelog's writer lock
   * from its first statement, so everything the write reads before its checks (the user's home, a
   * department's parent, a grant) is still true when it commits. Every route that writes access data uses
   * this rather than {@link Database#write}.
   */
  public <T> T write(Database db, Database.Work<T> work) {
    return db.write(c -> {
      Changelog.lock(c);
      return work.run(c);
    });
  }

  /**
   * {@link #write}, committed in a group with the other grouped writes waiting at the same moment
   * ({@link Database#writeGrouped}): for grants and revokes. {@code work} must make all its checks (throw
   * every refusal) before its first change, and record that change ({@link Changelog#record}) before any
   * other write; checks after it are still correct, but cost the whole group a second, ungrouped run.
   */
  public <T> T writeGrouped(Database db, Database.Work<T> work) {
    return db.writeGrouped(c -> {
      Changelog.lock(c);
      return work.run(c);
    });
  }

  // ---- holding ----

  /** True when {@code who} holds {@code permission} in {@code scope} (or above) now. */
  public boolean holds(Connection c, Principal who, String permission, Scope scope) throws SQLException {
    return holds(authorizer.forTransaction(c), c, who, permission, scope, clock.instant());
  }

  private static boolean holds(Authorizer a, Connection c, Principal who, String permission, Scope scope,
      Instant now) throws SQLException {
    if (!who.isUser() && !who.clientPermissions().contains(permission)) return false;
    long user = who.authorityUserId();
    return user != Principal.NO_OWNER && a.allowed(c, user, permission, scope, now);
  }

  /**
   * A read's permission check from the in-memory index, with no SQL and no connection: the index revision
   * the answer holds at when {@code who} holds {@code permission} in {@code scope}, else -1. With -1 the
   * caller decides with {@link #require} on its connection (which also sees a grant made on another instance
   * that this one has not applied yet). With a revision, the caller's read also learns the database's
   * revision (one more column of its statement) and passes both to {@link #confirmRead}: a read is never
   * allowed by an index older than what the read itself saw.
   */
  public long allowsFromIndex(Principal who, String permission, Scope scope) {
    AuthzIndex index = authorizer.index();
    long revision = index.revision(); // first: the decision below is at least this current
    try {
      return holds(index, null, who, permission, scope, clock.instant()) ? revision : -1;
    } catch (SQLException e) {
      throw new IllegalStateException("the index does not use SQL", e);
    }
  }

  /**
   * Completes a read allowed by {@link #allowsFromIndex} at {@code decidedAt}: when the read saw a later
   * revision {@code seen}, the index may have been behind, so it decides again once it has applied
   * {@code seen} (usually within milliseconds: waited for at most {@link ConsistentAuthorizer#CATCH_UP_MILLIS}
   * ms); when it has not by then, or the read saw no revision (-1: it read no row that carried one),
   * {@link #require} decides on {@code c}. Under writes the index trails a read by a commit about one read in
   * four; deciding again from SQL cost two statements each (the changelog's revision and a recursive check).
   *
   * @throws ServiceException.Forbidden when {@code who} no longer holds {@code permission} in {@code scope}
   */
  public void confirmRead(Connection c, Principal who, String permission, Scope scope, long decidedAt, long seen)
      throws SQLException {
    if (seen >= 0 && seen <= decidedAt) return;
    AuthzIndex index = authorizer.index();
    if (seen >= 0 && index.awaitRevision(seen, ConsistentAuthorizer.CATCH_UP_MILLIS)) {
      if (holds(index, null, who, permission, scope, clock.instant())) return;
      throw lacks(who, permission);
    }
    require(c, who, permission, scope);
  }

  /** 403 {@code forbidden} unless {@code who} holds {@code permission} in {@code scope}. For reads. */
  public void require(Connection c, Principal who, String permission, Scope scope) throws SQLException {
    if (!holds(c, who, permission, scope)) throw lacks(who, permission);
  }

  private static ServiceException.Forbidden lacks(Principal who, String permission) {
    return new ServiceException.Forbidden("forbidden", who.auditName() + " lacks permission " + permission + " here");
  }

  /** {@link #require} for a write: takes the writer lock first, so the answer holds until commit. */
  public void requireToWrite(Connection c, Principal who, String permission, Scope scope) throws SQLException {
    Changelog.lock(c);
    require(c, who, permission, scope);
  }

  // ---- accounts ----

  /**
   * An actor changing another person's account (any field, sessions, the active flag): {@code users.write}
   * in the user's home scope and, when the change moves them, in {@code destination}; then domination.
   *
   * @param destination the new home scope, or null when the user stays where they are
   * @throws ServiceException.Forbidden {@code forbidden} or {@code outranked}
   */
  public void requireAccountWrite(Connection c, Principal who, long userId, Scope home, Scope destination)
      throws SQLException {
    requireToWrite(c, who, "users.write", home);
    if (destination != null) require(c, who, "users.write", destination);
    requireDominates(c, who, userId);
  }

  /** 403 {@code outranked} unless {@code who} holds everything user {@code userId} holds, where they hold it. */
  public void requireDominates(Connection c, Principal who, long userId) throws SQLException {
    Map<Long, String> outranking = outranking(c, who, List.of(userId));
    if (!outranking.isEmpty()) {
      throw new ServiceException.Forbidden("outranked", "you cannot act on user " + userId + ": "
          + outranking.get(userId));
    }
  }

  /**
   * The users among {@code userIds} whom {@code who} does not dominate, each with the first permission and
   * scope that shows it ({@code "they hold grades.write in department:CS, which you do not hold there"}).
   * One query for all of them (imports check thousands at once). Takes the writer lock.
   */
  public Map<Long, String> outranking(Connection c, Principal who, Collection<Long> userIds) throws SQLException {
    Changelog.lock(c);
    Map<Long, String> out = new LinkedHashMap<>();
    if (userIds.isEmpty()) return out;
    Instant now = clock.instant();
    Authorizer a = authorizer.forTransaction(c);
    Map<String, Boolean> held = new HashMap<>();
    record Holding(long user, String permission, Scope scope) {}
    // what each user holds: from the index when it is exact for them in this transaction (the common case
    // under the writer lock: HOLDINGS is a recursive query, the costliest statement of a grant or revoke),
    // else from SQL; in the order of the user ids given, then HOLDINGS' order
    List<Long> bySql = new ArrayList<>();
    Map<Long, List<Holding>> byUser = new java.util.TreeMap<>();
    for (long user : userIds) {
      AuthzIndex index = authorizer.indexAbout(a, user);
      if (index == null) {
        bySql.add(user);
        continue;
      }
      byUser.put(user, index.holdings(user, now).stream()
          .map(h -> new Holding(user, h.permission(), h.scope())).toList());
    }
    if (!bySql.isEmpty()) {
      for (Holding h : Jdbc.list(c, HOLDINGS, rs -> new Holding(rs.getLong(1), rs.getString(2),
          new Scope(Scope.Kind.ofCode(rs.getShort(3)), rs.getLong(4))), bySql.toArray(Long[]::new), now)) {
        byUser.computeIfAbsent(h.user(), u -> new ArrayList<>()).add(h);
      }
    }
    List<Holding> holdings = new ArrayList<>();
    byUser.values().forEach(holdings::addAll);
    for (Holding h : holdings) {
      if (out.containsKey(h.user())) continue;
      String key = h.permission() + '@' + h.scope().kind().code() + ':' + h.scope().id();
      Boolean ok = held.get(key);
      if (ok == null) {
        ok = holds(a, c, who, h.permission(), h.scope(), now);
        held.put(key, ok);
      }
      if (!ok) {
        out.put(h.user(), "they hold " + h.permission() + " in " + Scopes.name(c, h.scope())
            + ", which you do not hold there");
      }
    }
    return out;
  }

  // ---- grants ----

  /**
   * Granting role {@code roleId} in {@code scope} to user {@code userId}: not to oneself, then
   * {@link #requireDelegation}, then domination of the user.
   */
  public void requireGrant(Connection c, Principal who, long userId, long roleId, String role, Scope scope,
      String scopeName) throws SQLException {
    Changelog.lock(c);
    if (who.authorityUserId() == userId) {
      throw new ServiceException.Forbidden("self_grant", "nobody grants, extends or renews a grant to"
          + " themselves" + (who.isUser() ? "" : " (this API key acts for user " + userId + ")"));
    }
    requireDelegation(c, who, roleId, role, scope, scopeName);
    requireDominates(c, who, userId);
  }

  /** Revoking a grant needs what granting it needed (oneself included), and domination of its holder. */
  public void requireRevoke(Connection c, Principal who, long userId, long roleId, String role, Scope scope,
      String scopeName) throws SQLException {
    Changelog.lock(c);
    requireDelegation(c, who, roleId, role, scope, scopeName);
    requireDominates(c, who, userId);
  }

  /**
   * 403 {@code forbidden} without {@code grants.write} in the scope, else 403 {@code cannot_delegate}
   * naming the first (by name) permission of the role's closure that {@code who} lacks there.
   */
  public void requireDelegation(Connection c, Principal who, long roleId, String role, Scope scope,
      String scopeName) throws SQLException {
    requireToWrite(c, who, "grants.write", scope);
    Authorizer a = authorizer.forTransaction(c);
    Instant now = clock.instant();
    AuthzIndex roles = authorizer.indexForRoles(a);
    List<String> carried = roles != null ? roles.rolePermissions(roleId)
        : Jdbc.list(c, ROLE_CLOSURE, rs -> rs.getString(1), roleId);
    for (String permission : carried) {
      if (!holds(a, c, who, permission, scope, now)) {
        throw new ServiceException.Forbidden("cannot_delegate", "you cannot grant or revoke role " + role
            + " in " + scopeName + ": it carries " + permission + ", which you do not hold there yourself");
      }
    }
  }

  /**
   * How many active users hold a current global grant of the built-in admin role, as this transaction sees
   * it. Take it (under the writer lock) before a write that may remove one, and hand it to
   * {@link #requireAdminRemains}.
   */
  public static long activeAdmins(Connection c, Instant now) throws SQLException {
    Changelog.lock(c);
    return Jdbc.returningLong(c, ACTIVE_ADMINS, now, now);
  }

  /**
   * 409 {@code last_admin} when revoking grant {@code grantId} would leave no active global administrator
   * (there are some now, and none without that grant). Decided before the revoke is written, so a grouped
   * revoke (GroupCommit) is refused before its first change rather than rolling its group back.
   */
  public void requireAdminRemainsWithout(Connection c, long grantId) throws SQLException {
    Changelog.lock(c);
    Instant now = clock.instant();
    long[] counts = Jdbc.one(c, "SELECT (" + ACTIVE_ADMINS + "), (" + ACTIVE_ADMINS + " AND g.id <> ?)",
        rs -> new long[] {rs.getLong(1), rs.getLong(2)}, now, now, now, now, grantId).orElseThrow();
    if (counts[0] > 0 && counts[1] == 0) throw lastAdmin();
  }

  /** {@link #activeAdmins(Connection, Instant)} now. */
  public long activeAdmins(Connection c) throws SQLException {
    return activeAdmins(c, clock.instant());
  }

  /**
   * 409 {@code last_admin} when there were active global administrators ({@code before}) and, with this
   * transaction's own writes, there are none left. Call after the write, before commit.
   */
  public void requireAdminRemains(Connection c, long before) throws SQLException {
    requireAdminRemains(c, before, clock.instant());
  }

  /** {@link #requireAdminRemains(Connection, long)} at instant {@code now}, for tools without an index. */
  public static void requireAdminRemains(Connection c, long before, Instant now) throws SQLException {
    if (before > 0 && Jdbc.returningLong(c, ACTIVE_ADMINS, now, now) == 0) throw lastAdmin();
  }

  private static ServiceException lastAdmin() {
    return new ServiceException.Conflict("last_admin", "this would leave no active global administrator;"
        + " grant admin to someone else first", List.of());
  }

  // ---- the directory ----

  /**
   * Moving department or course {@code moved} from under department {@code from} to under department
   * {@code to} (null: the top level) makes every grant on a department above {@code to} but not above
   * {@code from} cover it. The mover must hold, in {@code moved}, every permission those grants carry:
   * a move gives nobody what the mover does not hold. Call after the directory.write checks.
   *
   * @throws ServiceException.Forbidden {@code cannot_delegate} naming the first such permission
   */
  public void requireMove(Connection c, Principal who, Scope moved, Long from, Long to) throws SQLException {
    if (to == null) return;
    java.util.Set<Long> gained = new java.util.HashSet<>(departmentChain(c, to));
    if (from != null) departmentChain(c, from).forEach(gained::remove);
    if (gained.isEmpty()) return;
    Changelog.lock(c);
    Instant now = clock.instant();
    Authorizer a = authorizer.forTransaction(c);
    List<String> carried = Jdbc.list(c, """
        WITH RECURSIVE closure (role_id) AS (
          SELECT DISTINCT role_id FROM grants WHERE scope_type = 1 AND scope_id = ANY (?)
            AND (valid_until IS NULL OR valid_until > ?)
          UNION SELECT ri.included_role_id FROM closure c JOIN role_includes ri ON ri.role_id = c.role_id)
        SELECT DISTINCT p.name FROM closure c JOIN role_permissions rp ON rp.role_id = c.role_id
        JOIN permissions p ON p.id = rp.permission_id ORDER BY 1""", rs -> rs.getString(1),
        gained.toArray(Long[]::new), now);
    for (String permission : carried) {
      if (!holds(a, c, who, permission, moved, now)) {
        throw new ServiceException.Forbidden("cannot_delegate", "this move would give the holders of grants"
            + " above its destination " + permission + " in " + Scopes.name(c, moved)
            + ", which you do not hold there yourself");
      }
    }
  }

  private static List<Long> departmentChain(Connection c, long department) throws SQLException {
    return Scopes.covering(c, Scope.department(department)).stream()
        .filter(s -> s.kind() == Scope.Kind.DEPARTMENT).map(Scope::id).toList();
  }

  // ---- roles and API keys ----

  /**
   * Editing, creating or deleting a role: {@code roles.write} globally; never the built-in admin role; and
   * every permission the change adds to or removes from the role's closure, held globally.
   *
   * @param before the role's effective permissions before (empty for a new role)
   * @param after its effective permissions after (empty for a deleted role)
   */
  public void requireRoleChange(Connection c, Principal who, String role, boolean builtinAdmin,
      SortedSet<String> before, SortedSet<String> after) throws SQLException {
    requireToWrite(c, who, "roles.write", Scope.GLOBAL);
    if (builtinAdmin) {
      throw new ServiceException.Forbidden("builtin_role", "role " + role + " is built in and holds every"
          + " permission, including ones defined later; it cannot be edited or deleted");
    }
    SortedSet<String> changed = new TreeSet<>(after);
    changed.addAll(before);
    SortedSet<String> kept = new TreeSet<>(after);
    kept.retainAll(before);
    changed.removeAll(kept);
    for (String permission : changed) {
      if (!holds(c, who, permission, Scope.GLOBAL)) {
        throw new ServiceException.Forbidden("cannot_delegate", "you cannot make role " + role
            + (after.contains(permission) ? " carry " : " stop carrying ") + permission + ": you do not hold "
            + permission + " globally yourself");
      }
    }
  }

  /**
   * Creating, rotating, re-owning or revoking an API key with {@code permissions}: {@code clients.write}
   * globally and each of its permissions globally (what a key can do, its maker or remover must hold).
   */
  public void requireClientChange(Connection c, Principal who, Collection<String> permissions)
      throws SQLException {
    requireToWrite(c, who, "clients.write", Scope.GLOBAL);
    for (String permission : new TreeSet<>(permissions)) {
      if (!holds(c, who, permission, Scope.GLOBAL)) {
        throw new ServiceException.Forbidden("cannot_delegate", "you cannot give, take back or hand on an API"
            + " key holding " + permission + ": you do not hold it globally");
      }
    }
  }
}
