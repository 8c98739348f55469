package org.provost.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Statements a grouped write transaction ({@link GroupCommit}) may put off to its end, to send once for the
 * whole group: rows nothing in the transaction reads back, such as audit events. Outside a group nothing is
 * put off ({@link #available} is false) and callers write at once, as before.
 */
public final class BeforeCommit {
  /** Writes what was put off, on the group's connection, just before it commits. */
  @FunctionalInterface
  public interface Flush<S> {
    void flush(Connection c, S state) throws SQLException;
  }

  private record Entry<S>(S state, Flush<S> flush) {
    void run(Connection c) throws SQLException {
      flush.flush(c, state);
    }
  }

  /** This thread's group: its put-off state by key, in registration order; null outside a group. */
  private static final ThreadLocal<Map<Object, Entry<?>>> GROUP = new ThreadLocal<>();
  private static final ThreadLocal<int[]> ADDED = ThreadLocal.withInitial(() -> new int[1]);

  private BeforeCommit() {}

  /** True inside a grouped write transaction: what is put off is written before it commits. */
  public static boolean available() {
    return GROUP.get() != null;
  }

  /**
   * The state put off under {@code key} in this group, made by {@code create} (and {@code flush} registered)
   * on first use. Call {@link #added} for each entry added to it. Throws outside a group.
   */
  @SuppressWarnings("unchecked")
  public static <S> S state(Object key, Supplier<S> create, Flush<S> flush) {
    Map<Object, Entry<?>> group = GROUP.get();
    if (group == null) throw new IllegalStateException("not in a grouped write transaction");
    return ((Entry<S>) group.computeIfAbsent(key, k -> new Entry<>(create.get(), flush))).state();
  }

  /** Counts one statement's worth put off (GroupCommit tells a write that put off nothing from one that did). */
  public static void added() {
    ADDED.get()[0]++;
  }

  static int count() {
    return ADDED.get()[0];
  }

  static void begin() {
    GROUP.set(new LinkedHashMap<>());
    ADDED.get()[0] = 0;
  }

  /** Writes everything put off, in registration order. */
  static void flush(Connection c) throws SQLException {
    Map<Object, Entry<?>> group = GROUP.get();
    if (group == null) return;
    for (Entry<?> e : group.values()) e.run(c);
    group.clear();
  }

  static void end() {
    GROUP.remove();
    ADDED.get()[0] = 0;
  }
}
