package org.provost.feed;

import java.util.Locale;

/**
 * One committed change from the changelog: what kind of row, which one, what happened to it, and the user
 * whose access or sessions it affects ({@link #NO_USER} when none, e.g. a role edit). Typed so that a
 * misspelled entity or operation cannot compile and a listener's {@code switch} is checked for
 * exhaustiveness.
 *
 * @param revision the global revision: the changelog row's id, in commit order
 * @param entityId the changed row's id; 0 for {@link Entity#BULK}
 * @param userId the affected user's id, or {@link #NO_USER}
 */
public record Change(long revision, Entity entity, long entityId, Op op, long userId) {
  /** {@link #userId} when the change affects no one user in particular. */
  public static final long NO_USER = -1;

  /** What kind of row changed. Stored lower-case in {@code changelog.entity}. */
  public enum Entity {
    USER, GRANT, SESSION, CLIENT, ROLE, PERMISSION, DEPARTMENT, COURSE, TERM, OFFERING,
    /** Rows written in bulk (seed, import, fixtures): every instance reloads everything. */
    BULK;

    public String stored() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** What happened. Stored lower-case in {@code changelog.op}. */
  public enum Op {
    CREATE, UPDATE, DELETE, MOVE, REVOKE, ROTATE, RELOAD,
    /** A user was deactivated: their sessions end and their checks deny. */
    DEACTIVATE,
    /** A user's sessions were ended (password change or reset, or an administrator's order). */
    END_SESSIONS;

    public String stored() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * Reads one changelog row. A row this version cannot read (an entity or operation it does not know, or an
   * id that is not a number) becomes a {@link Entity#BULK} reload, so nothing is ever skipped: listeners
   * rebuild from the source of truth instead.
   *
   * @param userId the row's user_id, or {@link #NO_USER} when NULL
   */
  public static Change fromRow(long revision, String entity, String entityId, String op, long userId) {
    try {
      Entity e = Entity.valueOf(entity.toUpperCase(Locale.ROOT));
      if (e == Entity.BULK) return new Change(revision, e, 0, Op.RELOAD, NO_USER);
      return new Change(revision, e, Long.parseLong(entityId), Op.valueOf(op.toUpperCase(Locale.ROOT)), userId);
    } catch (IllegalArgumentException e) { // an unknown name, or NumberFormatException
      return new Change(revision, Entity.BULK, 0, Op.RELOAD, NO_USER);
    }
  }

  /** The columns {@link #fromRow} reads, in order, for a SELECT from {@code changelog}. */
  public static final String COLUMNS = "revision, entity, entity_id, op, coalesce(user_id, -1)";
}
