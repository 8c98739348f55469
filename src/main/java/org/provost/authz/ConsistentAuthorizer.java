package org.provost.authz;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import org.provost.db.Changelog;

/**
 * For the admin API, which is already in a transaction: answers from the index when it has applied every
 * change this transaction can see, else (a change still propagating, or one made in this very
 * transaction) from SQL. So a caller who was just granted a role can use it at once, and one just
 * revoked cannot.
 */
public final class ConsistentAuthorizer implements Authorizer {
  private final AuthzIndex index;
  private final SqlAuthorizer sql = new SqlAuthorizer();

  public ConsistentAuthorizer(AuthzIndex index) {
    this.index = index;
  }

  /**
   * The authorizer to use for the rest of this transaction's checks: the index when it is current for
   * {@code c}, else SQL. One revision query, however many checks follow.
   */
  Authorizer forTransaction(Connection c) throws SQLException {
    long current = Changelog.current(c);
    if (index.revision() >= current) return index;
    // a write holding the writer lock: the change before it committed a moment ago and this instance's
    // index applies it within milliseconds; waiting for that is cheaper than deciding by SQL (about ten
    // recursive statements per write, measured under a grant and revoke load), and nothing can be recorded
    // meanwhile, so the index then answers exactly as of this transaction
    // (never after this transaction recorded a change itself: no index applies that before it commits)
    if (Changelog.mayAwaitIndex()) {
      if (index.awaitRevision(current, CATCH_UP_MILLIS)) return index;
      Changelog.indexDidNotCatchUp();
    }
    // a write that has already recorded changes about single users (the grants and revokes of one group
    // commit): the index, once current as of before those changes, still answers about everyone else
    long base = Changelog.untouchedBase();
    if (base >= 0) {
      if (index.revision() >= base) return untouched;
      if (index.awaitRevision(base, CATCH_UP_MILLIS)) return untouched;
      Changelog.indexDidNotCatchUp();
    }
    return sql;
  }

  /**
   * The index, when {@code chosen} (this transaction's {@link #forTransaction}) answers about user
   * {@code userId} from it: so what the index holds about that user (their grants, for the domination rule)
   * is what SQL would read in this transaction. Null when SQL must answer.
   */
  AuthzIndex indexAbout(Authorizer chosen, long userId) {
    if (chosen == index) return index;
    if (chosen == untouched && !Changelog.touches(userId)) return index;
    return null;
  }

  /**
   * The index, when {@code chosen} (this transaction's {@link #forTransaction}) answers from it at all: then
   * its roles and their permissions are what SQL would read in this transaction (a transaction that changed
   * a role or the directory is never answered from the index). Null when SQL must answer.
   */
  AuthzIndex indexForRoles(Authorizer chosen) {
    return chosen == index || chosen == untouched ? index : null;
  }

  /** The index for users this transaction has not touched, SQL for the ones it has. */
  private final Authorizer untouched = new Authorizer() {
    @Override
    public boolean allowed(Connection c, long userId, String permission, Scope resource, Instant now)
        throws SQLException {
      return (Changelog.touches(userId) ? sql : index).allowed(c, userId, permission, resource, now);
    }

    @Override
    public List<Reason> explain(Connection c, long userId, String permission, Scope resource, Instant now)
        throws SQLException {
      return (Changelog.touches(userId) ? sql : index).explain(c, userId, permission, resource, now);
    }
  };

  /**
   * How long, in milliseconds, a write under the writer lock, or a read that saw a revision newer than the
   * index's decision ({@link Authority#confirmRead}), waits for the index to catch up before deciding by SQL.
   */
  static final long CATCH_UP_MILLIS = 50;

  /** The index itself, for decisions that need no SQL (reads confirmed afterwards: Authority#allowsFromIndex). */
  AuthzIndex index() {
    return index;
  }

  @Override
  public boolean allowed(Connection c, long userId, String permission, Scope resource, Instant now)
      throws SQLException {
    return forTransaction(c).allowed(c, userId, permission, resource, now);
  }

  @Override
  public List<Reason> explain(Connection c, long userId, String permission, Scope resource, Instant now)
      throws SQLException {
    return forTransaction(c).explain(c, userId, permission, resource, now);
  }
}
