package org.provost.authz;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.provost.db.Database;
import org.provost.db.Jdbc;
import org.provost.db.OwnConnection;
import org.provost.feed.Change;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole grant graph in memory: checks are a few array reads, no I/O, no allocation. Loaded at start,
 * then kept current by the change feed, one batch at a time on the feed's thread (the only writer).
 * Readers that need a revision read {@link #revision()} first: its volatile write follows every update.
 */
public final class AuthzIndex implements Authorizer, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AuthzIndex.class);

  private final Database db;
  private final Map<String, Integer> usernames = new ConcurrentHashMap<>();
  /** Told every revision the index publishes (the HTTP layer's revision gate releases its waiters). */
  private volatile java.util.function.LongConsumer published = revision -> { };
  private volatile Catalog catalog = Catalog.EMPTY;
  private volatile UserTable users = new UserTable(0);
  private volatile long revision;
  private volatile long catalogChangedAt;
  /** The revision of the last department change or full load: a user's department shows by its code. */
  private volatile long departmentsChangedAt;
  private final java.util.concurrent.atomic.AtomicLong reloads = new java.util.concurrent.atomic.AtomicLong();
  /** Only the writer (start-up, then the feed thread) uses it. */
  private final OwnConnection own;

  private AuthzIndex(Database db) {
    this.db = db;
    this.own = db == null ? null : connection(db);
  }

  /**
   * The index's own connection: its statements are the full load (no parameters) and lookups by user or grant
   * ids ({@link IndexLoader#loadUsers}), so each is planned once ({@code Database.GENERIC_PLANS}).
   */
  static OwnConnection connection(Database db) {
    return new OwnConnection(db, true);
  }

  /** An index over data built in memory (benchmarks, tests); it cannot apply changes. */
  static AuthzIndex of(Catalog catalog, UserTable users, Map<String, Integer> usernames, long revision) {
    AuthzIndex index = new AuthzIndex(null);
    index.catalog = catalog;
    index.users = users;
    index.usernames.putAll(usernames);
    index.revision = revision;
    return index;
  }

  /** Loads everything from the primary. */
  public static AuthzIndex load(Database db) {
    AuthzIndex index = new AuthzIndex(db);
    index.publish(index.reloadAll(-1));
    return index;
  }

  public long revision() {
    return revision;
  }

  /** The revision at which anything that can change this user's answers last changed. */
  public long changedAt(long user) {
    UserTable t = users;
    long own = user >= 0 && user < t.capacity() ? t.changedAt[(int) user] : 0;
    return Math.max(own, catalogChangedAt);
  }

  /**
   * The revision at which what /v1/me reads of this user from PostgreSQL (the account's own row, and the
   * department code it shows) last changed: the user's row, a department, or everything (a full load).
   */
  public long rowChangedAt(long user) {
    UserTable t = users;
    long own = user >= 0 && user < t.capacity() ? t.rowChangedAt[(int) user] : 0;
    return Math.max(own, departmentsChangedAt);
  }

  /**
   * The first millisecond after {@code nowMillis} at which one of the user's grants starts or ends, in
   * milliseconds since the epoch (a window's end at a fraction of a millisecond counts from the next whole
   * one); Long.MAX_VALUE when none will.
   */
  public long nextValidityBoundary(long user, long nowMillis) {
    UserTable t = users;
    if (user < 0 || user >= t.capacity() || t.grants[(int) user] == null) return Long.MAX_VALUE;
    long now = micros(nowMillis);
    long next = Long.MAX_VALUE;
    long[] g = t.grants[(int) user];
    for (int i = 0; i < g.length; i += UserTable.SLOTS) {
      if (g[i + 2] > now) next = Math.min(next, g[i + 2]);
      if (g[i + 3] > now) next = Math.min(next, g[i + 3]);
    }
    return next == Long.MAX_VALUE ? next : Math.ceilDiv(next, 1000);
  }

  /** A clock reading in milliseconds as the grants' windows are kept: microseconds since the epoch. */
  private static long micros(long millis) {
    return millis * 1000;
  }

  /** An instant as the grants' windows are kept, truncated to the microsecond as PostgreSQL compares it. */
  private static long micros(Instant t) {
    return t.getEpochSecond() * 1_000_000 + t.getNano() / 1000;
  }

  public int userCapacity() {
    return users.capacity();
  }

  // ---- the hot path: no I/O, no allocation, no exceptions ----

  /** A user id from a subject (a user id or a username), or -1 when unknown. */
  public long subject(String subject) {
    UserTable t = users;
    long id = digits(subject);
    if (id >= 0 && id < t.capacity() && t.state[(int) id] != UserTable.UNKNOWN) return id;
    Integer byName = usernames.get(org.provost.users.Identifiers.key(subject)); // the map holds username keys
    return byName == null ? -1 : byName;
  }

  /** True when {@code user} is a known, active user. */
  public boolean isActive(long user) {
    UserTable t = users;
    return user >= 0 && user < t.capacity() && t.state[(int) user] == UserTable.ACTIVE;
  }

  /** A permission id, or -1 when unknown. */
  public int permission(String name) {
    return catalog.permission(name);
  }

  /** An encoded scope from an API resource name (null or empty is global), or -1 when unknown. */
  public long scope(String resource) {
    return catalog.scope(resource);
  }

  /** Whether {@code user} holds {@code permission} on {@code scope} at {@code nowMillis} (ms since the epoch). */
  public boolean allowed(long user, int permission, long scope, long nowMillis) {
    return allowedAt(user, permission, scope, micros(nowMillis));
  }

  private boolean allowedAt(long user, int permission, long scope, long now) {
    if (user < 0 || permission < 0 || scope < 0) return false;
    UserTable t = users;
    if (user >= t.capacity() || t.state[(int) user] != UserTable.ACTIVE) return false;
    long[] g = t.grants[(int) user];
    if (g == null) return false;
    Catalog cat = catalog;
    for (int i = 0; i < g.length; i += UserTable.SLOTS) {
      if (now < g[i + 2] || now >= g[i + 3]) continue;
      long roleScope = g[i + 1];
      if (cat.roleHas(UserTable.role(roleScope), permission) && cat.covers(UserTable.scope(roleScope), scope)) {
        return true;
      }
    }
    return false;
  }

  private static long digits(String s) {
    int n = s.length();
    if (n == 0 || n > 18) return -1;
    long v = 0;
    for (int i = 0; i < n; i++) {
      char ch = s.charAt(i);
      if (ch < '0' || ch > '9') return -1;
      v = v * 10 + (ch - '0');
    }
    return v;
  }

  // ---- Authorizer, for the admin API's guards and for explain ----

  @Override
  public boolean allowed(Connection c, long userId, String permission, Scope resource, Instant now) {
    return allowedAt(userId, permission(permission), ScopeCode.of(resource), micros(now));
  }

  @Override
  public List<Reason> explain(Connection c, long userId, String permission, Scope resource, Instant now) {
    return explainAt(userId, permission(permission), ScopeCode.of(resource), micros(now));
  }

  /** The grants through which {@code user} holds {@code permission} on {@code scope} at {@code nowMillis} (ms). */
  public List<Reason> explain(long user, int permission, long scope, long nowMillis) {
    return explainAt(user, permission, scope, micros(nowMillis));
  }

  private List<Reason> explainAt(long user, int permission, long scope, long now) {
    List<Reason> out = new ArrayList<>();
    UserTable t = users;
    if (user < 0 || permission < 0 || scope < 0 || user >= t.capacity() || t.state[(int) user] != UserTable.ACTIVE) {
      return out;
    }
    long[] g = t.grants[(int) user];
    Catalog cat = catalog;
    for (int i = 0; g != null && i < g.length; i += UserTable.SLOTS) {
      if (now < g[i + 2] || now >= g[i + 3]) continue;
      int role = UserTable.role(g[i + 1]);
      long grantScope = UserTable.scope(g[i + 1]);
      if (cat.roleHas(role, permission) && cat.covers(grantScope, scope)) {
        out.add(new Reason(g[i], cat.roleName(role), cat.scopeName(grantScope)));
      }
    }
    return out;
  }

  /**
   * The names of every permission role {@code roleId} carries, its includes followed, sorted: what
   * Authority's ROLE_CLOSURE query answers from SQL, for the delegation rule. Used only where this index is
   * current for the transaction asking and the transaction changed no role (ConsistentAuthorizer).
   */
  public List<String> rolePermissions(long roleId) {
    if (roleId < 0 || roleId > Integer.MAX_VALUE) return new ArrayList<>();
    List<String> out = catalog.permissionNames((int) roleId);
    out.sort(null);
    return out;
  }

  /** One permission a user holds in one scope, through a grant. */
  public record Holding(String permission, Scope scope) {}

  /**
   * Everything {@code user} holds through grants that have not ended at {@code at} (current or
   * future; active account or not), each (permission, scope) once, ordered by scope kind, scope id and
   * permission name: what Authority's HOLDINGS query answers from SQL, for the domination rule. Used only
   * inside a write that holds the writer lock and whose transaction has not touched this user, with this
   * index current as of before its own changes (ConsistentAuthorizer), so it is exactly what SQL would say.
   */
  public List<Holding> holdings(long user, Instant at) {
    UserTable t = users;
    List<Holding> out = new ArrayList<>();
    if (user < 0 || user >= t.capacity()) return out;
    long[] g = t.grants[(int) user];
    Catalog cat = catalog;
    record Held(int kind, long id, String permission) {}
    // each (scope, permission) once, in HOLDINGS' order
    java.util.SortedSet<Held> held = new java.util.TreeSet<>(java.util.Comparator.comparingInt(Held::kind)
        .thenComparingLong(Held::id).thenComparing(Held::permission));
    long now = micros(at);
    for (int i = 0; g != null && i < g.length; i += UserTable.SLOTS) {
      if (now >= g[i + 3]) continue; // ended
      int role = UserTable.role(g[i + 1]);
      long scope = UserTable.scope(g[i + 1]);
      for (String name : cat.permissionNames(role)) {
        held.add(new Held(ScopeCode.kind(scope), ScopeCode.id(scope), name));
      }
    }
    for (Held h : held) {
      out.add(new Holding(h.permission(), new Scope(Scope.Kind.ofCode((short) h.kind()), h.id())));
    }
    return out;
  }

  /**
   * One of a user's grants as /v1/me lists it: its id, role name, scope name ({@code global},
   * {@code department:CODE}, {@code course:CODE}, {@code offering:COURSE/TERM}) and validity window (null for
   * an open end, else whole microseconds as stored).
   */
  public record GrantView(long id, String role, String scope, Instant validFrom, Instant validUntil) {}

  /** A permission and the scope name it is held in (see {@link GrantView#scope}). */
  public record Granted(String permission, String scope) {}

  /**
   * What /v1/me shows of a user's authorization: {@code grants}, every grant the user has (ended and future
   * ones too), by id; {@code permissions}, each (permission, scope) the user's grants give at
   * {@code nowMillis} (none for an inactive account), once, ordered by scope name, then permission name,
   * in code point order.
   */
  public record UserView(List<GrantView> grants, List<Granted> permissions) {}

  /**
   * {@code user}'s grants and what they give at {@code nowMillis} (milliseconds since the epoch), from
   * memory: for /v1/me, which so answers after a grant or revoke without asking PostgreSQL. Empty lists
   * for a user this index does not know. What the SQL of earlier versions answered (IndexDifferentialTest
   * compares the two).
   */
  public UserView view(long user, long nowMillis) {
    UserTable t = users;
    if (user < 0 || user >= t.capacity() || t.state[(int) user] == UserTable.UNKNOWN) {
      return new UserView(List.of(), List.of());
    }
    long[] g = t.grants[(int) user];
    boolean active = t.state[(int) user] == UserTable.ACTIVE;
    Catalog cat = catalog;
    long now = micros(nowMillis);
    List<GrantView> grants = new ArrayList<>();
    java.util.SortedSet<Granted> granted = new java.util.TreeSet<>(
        java.util.Comparator.comparing(Granted::scope).thenComparing(Granted::permission));
    for (int i = 0; g != null && i < g.length; i += UserTable.SLOTS) {
      int role = UserTable.role(g[i + 1]);
      String scope = cat.scopeName(UserTable.scope(g[i + 1]));
      grants.add(new GrantView(g[i], cat.roleName(role), scope, instant(g[i + 2]), instant(g[i + 3])));
      if (!active || now < g[i + 2] || now >= g[i + 3]) continue;
      for (String name : cat.permissionNames(role)) granted.add(new Granted(name, scope));
    }
    grants.sort(java.util.Comparator.comparingLong(GrantView::id));
    return new UserView(grants, List.copyOf(granted));
  }

  private static Instant instant(long micros) {
    if (micros == UserTable.NO_START || micros == UserTable.NO_END) return null;
    return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000), Math.floorMod(micros, 1_000_000) * 1000L);
  }

  /** Sets what is told each revision this index publishes, after it is readable (one listener). */
  public void onPublish(java.util.function.LongConsumer listener) {
    this.published = listener;
  }

  // ---- the writer: change feed batches ----

  /** Applies one batch of committed changes, in order, then publishes its last revision. */
  public void apply(List<Change> changes) {
    boolean everything = false;
    boolean catalogChanged = false;
    boolean departmentsChanged = false;
    Set<Long> grantIds = new HashSet<>();
    Set<Long> userIds = new HashSet<>();
    Set<Long> rowIds = new HashSet<>();
    for (Change change : changes) {
      switch (change.entity()) {
        case BULK -> everything = true;
        case DEPARTMENT -> {
          catalogChanged = true;
          departmentsChanged = true;
        }
        case ROLE, PERMISSION, COURSE, OFFERING, TERM -> catalogChanged = true;
        // rows recorded before changes named their user are found by a scan of the index
        case GRANT -> {
          if (change.userId() != Change.NO_USER) userIds.add(change.userId());
          else grantIds.add(change.entityId());
        }
        case USER -> {
          userIds.add(change.entityId());
          rowIds.add(change.entityId());
        }
        case SESSION, CLIENT -> { }
      }
    }
    long last = changes.getLast().revision();
    if (everything) {
      reloadAll(last);
    } else if (!catalogChanged && grantIds.isEmpty() && !userIds.isEmpty()) {
      // the usual batch (grants, revokes, user changes that name their user): one statement
      for (IndexLoader.UserRow row : own.statement(c -> IndexLoader.loadUsers(c, userIds))) put(row, last, rowIds);
    } else if (catalogChanged || !grantIds.isEmpty()) {
      boolean reloadCatalog = catalogChanged;
      boolean reloadDepartments = departmentsChanged;
      own.transaction(c -> {
        if (reloadCatalog) {
          catalog = IndexLoader.loadCatalog(c);
          catalogChangedAt = last;
        }
        if (reloadDepartments) departmentsChangedAt = last;
        userIds.addAll(ownersOf(c, grantIds));
        if (!userIds.isEmpty()) {
          for (IndexLoader.UserRow row : IndexLoader.loadUsers(c, userIds)) put(row, last, rowIds);
        }
        return null;
      });
    }
    publish(Math.max(last, revision));
  }

  /** Closes the index's own connection (call after the change feed has stopped). */
  @Override
  public void close() {
    if (own != null) own.close();
  }

  /**
   * Replaces everything with a snapshot and returns the revision to publish for it, without publishing it: at
   * start ({@code feedBatch} -1) the revision the snapshot saw; from the change feed, the batch's own last
   * revision {@code feedBatch} (or the index's, when later), since the sessions and API keys, applied before
   * the index, have seen no further (a request that waited for a later revision would otherwise be released
   * before its credentials were judged at it); the feed's next batch brings the rest. The catalog and the
   * departments count as changed at that same revision: anything read or built before it is stale, and
   * anything read after it is not (a later one would refuse every /v1/me until the next batch).
   */
  private long reloadAll(long feedBatch) {
    reloads.incrementAndGet();
    long t0 = System.nanoTime();
    Map<String, Integer> names = new ConcurrentHashMap<>();
    IndexLoader.Snapshot s = own.snapshot(c -> IndexLoader.loadAll(c, names));
    catalog = s.catalog();
    users = s.users();
    long at = Math.max(feedBatch < 0 ? s.revision() : feedBatch, revision);
    catalogChangedAt = at;
    departmentsChangedAt = at;
    usernames.keySet().retainAll(names.keySet());
    usernames.putAll(names);
    LOG.info("authorization index loaded at revision {} in {} ms ({} user slots)", s.revision(),
        (System.nanoTime() - t0) / 1_000_000, s.users().capacity());
    return at;
  }

  /** The users holding these grants: from the table, or (for deleted rows) from the index itself. */
  private Set<Long> ownersOf(Connection c, Set<Long> grantIds) throws SQLException {
    Set<Long> owners = new HashSet<>();
    if (grantIds.isEmpty()) return owners;
    Set<Long> missing = new HashSet<>(grantIds);
    Jdbc.list(c, "SELECT id, user_id FROM grants WHERE id = ANY (?)", rs -> {
      missing.remove(rs.getLong(1));
      return owners.add(rs.getLong(2));
    }, (Object) grantIds.toArray(Long[]::new));
    if (!missing.isEmpty()) {
      UserTable t = users;
      for (int u = 0; u < t.capacity() && !missing.isEmpty(); u++) {
        long[] g = t.grants[u];
        for (int i = 0; g != null && i < g.length; i += UserTable.SLOTS) {
          if (missing.remove(g[i])) owners.add((long) u);
        }
      }
    }
    return owners;
  }

  private void put(IndexLoader.UserRow row, long changedAt, Set<Long> rowsChanged) {
    UserTable t = users.withRoomFor(row.id());
    int id = (int) row.id();
    String previous = t.usernames[id];
    if (previous != null && !previous.equals(row.username())) usernames.remove(previous, id);
    if (row.username() == null) {
      t.state[id] = UserTable.UNKNOWN;
      t.grants[id] = null;
    } else {
      t.put(id, row.username(), row.active(), row.grants());
      usernames.put(row.username(), id);
    }
    t.changedAt[id] = changedAt;
    if (rowsChanged.contains(row.id())) t.rowChangedAt[id] = changedAt;
    users = t;
  }

  private void publish(long applied) {
    revision = applied;
    published.accept(applied);
    caughtUp.signal();
  }

  private final org.provost.feed.RevisionWait caughtUp = new org.provost.feed.RevisionWait();

  /**
   * Waits until this index has applied {@code wanted}, at most {@code maxMillis}; true when it has. For a
   * write that holds the writer lock and would otherwise decide by SQL only because the change before it is
   * still a few milliseconds from being applied here.
   */
  public boolean awaitRevision(long wanted, long maxMillis) {
    if (revision >= wanted) return true;
    boolean caught = caughtUp.await(() -> revision >= wanted, () -> true, maxMillis);
    if (!caught) missedCatchUps.increment();
    return caught;
  }

  private final java.util.concurrent.atomic.LongAdder missedCatchUps = new java.util.concurrent.atomic.LongAdder();

  /** How many {@link #awaitRevision} calls ran out of time (each held a writer for its whole wait). */
  public long missedCatchUps() {
    return missedCatchUps.sum();
  }

  // ---- figures for metrics (read by org.provost.metrics.IndexMetrics) ----

  /** Whole reloads since start, the first load included. */
  public long reloads() {
    return reloads.get();
  }

  /** Users, grants and an estimate of the index's heap in bytes. Scans the table: call off the hot path. */
  public record Footprint(long users, long grants, long heapBytes) {}

  /** See {@link Footprint}; counts arrays and strings by their usual 64-bit compressed-oops sizes. */
  public Footprint footprint() {
    UserTable t = users;
    long users = 0;
    long grants = 0;
    long bytes = 4L * 16 + t.capacity() * (1L + 8 + 4 + 4);
    for (int u = 0; u < t.capacity(); u++) {
      long[] g = t.grants[u];
      if (g != null && g.length > 0) {
        grants += g.length / UserTable.SLOTS;
        bytes += 16 + 8L * g.length;
      }
      String name = t.usernames[u];
      if (name != null) {
        users++;
        bytes += 24 + 16 + name.length() + 48; // String, its bytes, its entry in the username map
      }
    }
    return new Footprint(users, grants, bytes);
  }
}
