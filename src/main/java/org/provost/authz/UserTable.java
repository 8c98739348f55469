package org.provost.authz;

import java.util.Arrays;

/**
 * The large half of the index: for every user id, whether the user is active and their grants, packed
 * four longs per grant: {@code grantId, role << 42 | scope, validFromMicros, validUntilMicros} (microseconds
 * since the epoch, PostgreSQL's precision, so a window reads back exactly as stored: {@link #NO_START} and
 * {@link #NO_END} for an open end). Only the index's writer thread mutates it; readers see its writes through
 * the index's volatile revision.
 */
final class UserTable {
  static final byte UNKNOWN = 0;
  static final byte ACTIVE = 1;
  static final byte INACTIVE = 2;
  static final int SLOTS = 4;
  static final long NO_START = Long.MIN_VALUE;
  static final long NO_END = Long.MAX_VALUE;
  private static final long[] NONE = new long[0];
  private static final long SCOPE_MASK = (1L << 42) - 1;

  final byte[] state;
  final long[][] grants;
  final String[] usernames;
  /** The revision at which each user's row or grants last changed (0: at load). */
  final long[] changedAt;
  /** The revision at which each user's own row last changed (0: at load): what /v1/me reads from SQL. */
  final long[] rowChangedAt;

  UserTable(int capacity) {
    this.state = new byte[capacity];
    this.grants = new long[capacity][];
    this.usernames = new String[capacity];
    this.changedAt = new long[capacity];
    this.rowChangedAt = new long[capacity];
  }

  private UserTable(UserTable from, int capacity) {
    this.state = Arrays.copyOf(from.state, capacity);
    this.grants = Arrays.copyOf(from.grants, capacity);
    this.usernames = Arrays.copyOf(from.usernames, capacity);
    this.changedAt = Arrays.copyOf(from.changedAt, capacity);
    this.rowChangedAt = Arrays.copyOf(from.rowChangedAt, capacity);
  }

  int capacity() {
    return state.length;
  }

  /** A table that has room for {@code id}: this one, or a larger copy. */
  UserTable withRoomFor(long id) {
    if (id < state.length) return this;
    if (id >= Integer.MAX_VALUE - 8) throw new IllegalStateException("user id " + id + " exceeds the index");
    return new UserTable(this, (int) Math.max(id + 1, Math.min(Integer.MAX_VALUE - 8, state.length * 3L / 2 + 16)));
  }

  void put(int id, String username, boolean active, long[] packedGrants) {
    usernames[id] = username;
    grants[id] = packedGrants == null ? NONE : packedGrants;
    state[id] = active ? ACTIVE : INACTIVE;
  }

  static long roleScope(int role, long scope) {
    return ((long) role << 42) | (scope & SCOPE_MASK);
  }

  static int role(long roleScope) {
    return (int) (roleScope >>> 42);
  }

  static long scope(long roleScope) {
    return roleScope & SCOPE_MASK;
  }

  /** Appends one grant to a packed array (loading only; the hot path never allocates). */
  static long[] append(long[] packed, long grantId, int role, long scope, long from, long until) {
    long[] out = packed == null ? new long[SLOTS] : Arrays.copyOf(packed, packed.length + SLOTS);
    int i = out.length - SLOTS;
    out[i] = grantId;
    out[i + 1] = roleScope(role, scope);
    out[i + 2] = from;
    out[i + 3] = until;
    return out;
  }
}
