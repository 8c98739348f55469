package org.provost.loadtest;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Which request goes out as request number {@code i}: the mix's cycle picks the scenario, a hash of
 * {@code i} picks one of that scenario's prepared requests (which user, which check). Every request is
 * encoded before the run starts; only a revoke is built during it, from its grant's answer.
 */
final class Workload {
  private final Endpoint[] cycle;
  /** Per slot of the cycle: how many slots of the same traffic class come before it in the cycle. */
  private final int[] rankInClass;
  /** Per traffic class: how many slots of the cycle it has. */
  private final int[] perCycle = new int[TrafficClass.values().length];
  private final Call[][] calls = new Call[Endpoint.values().length][];
  private final java.util.concurrent.atomic.AtomicLong grantsSent = new java.util.concurrent.atomic.AtomicLong();
  private Grants grants;

  /**
   * The grant scenario's requests, built as they go out: the n-th grant goes to pool member n mod pool and
   * ends {@code n} seconds after {@link #GRANT_END}, so no grant of a run repeats an earlier one. A run that
   * cycled through a fixed set met its own grants again whenever a revoke had failed (refused with 503
   * under overload, or timed out): a 409 duplicate the scenario caused itself. One grant in twenty of a
   * run is built here, a few microseconds each.
   */
  private record Grants(String host, String token, long[] userIds, String role, String scope, Call.FollowUp revoke) {
    Call call(long n) {
      long user = userIds[(int) Long.remainderUnsigned(n, userIds.length)];
      String body = Fixtures.grantBody(role, scope).put("valid_until", GRANT_END.plusSeconds(n).toString()).encode();
      return new Call(Endpoint.GRANT, Call.encode("POST", host, "/v1/users/" + user + "/grants", token, body),
          revoke);
    }
  }

  /** Where the grant scenario's grants end, plus one second per grant of the run. */
  static final java.time.Instant GRANT_END = java.time.Instant.parse("2999-01-01T00:00:00Z");

  private Workload(Endpoint[] cycle) {
    this.cycle = cycle;
    this.rankInClass = new int[cycle.length];
    for (int slot = 0; slot < cycle.length; slot++) {
      rankInClass[slot] = perCycle[cycle[slot].trafficClass().ordinal()]++;
    }
  }

  /**
   * A workload of given requests, one list per scenario of {@code mix} (any request of a scenario may go
   * out, chosen as in a real run): for tests of the sending side against a server of their own.
   */
  static Workload of(Mix mix, Map<Endpoint, List<Call>> prepared) {
    Workload w = new Workload(mix.cycle());
    prepared.forEach((e, list) -> w.put(e, list.stream()));
    return w;
  }

  static Workload of(Plan plan, Fixtures f) {
    Workload w = new Workload(plan.mix().cycle());
    String host = plan.hostHeader();
    Mix mix = plan.mix();
    if (mix.uses(Endpoint.CHECK)) {
      List<String> queries = f.checkQueries.isEmpty()
          ? f.pool.stream().map(m -> Fixtures.query(m.username(), "library.borrow", "global")).toList()
          : f.checkQueries;
      w.put(Endpoint.CHECK, queries.stream()
          .map(q -> new Call(Endpoint.CHECK, Call.encode("GET", host, "/v1/check?" + q, f.checkToken, null))));
    }
    if (mix.uses(Endpoint.ME)) {
      w.put(Endpoint.ME, f.pool.stream().map(m -> new Call(Endpoint.ME, Call.encode("GET", host, "/v1/me", m.token(),
          null))));
    }
    if (mix.uses(Endpoint.LIST)) {
      w.put(Endpoint.LIST, List.of("", "&type=student", "&type=faculty", "&type=staff", "&offset=50", "&active=true")
          .stream().map(filter -> new Call(Endpoint.LIST, Call.encode("GET", host, "/v1/users?limit=50" + filter,
              f.adminToken, null))));
    }
    if (mix.uses(Endpoint.SEARCH)) {
      w.put(Endpoint.SEARCH, searchPrefixes(f.pool).stream().map(q -> new Call(Endpoint.SEARCH,
          Call.encode("GET", host, "/v1/users?limit=50&q=" + q, f.adminToken, null))));
    }
    if (mix.uses(Endpoint.LOGIN)) {
      w.put(Endpoint.LOGIN, f.pool.stream().map(m -> new Call(Endpoint.LOGIN, Call.encode("POST", host, "/v1/sessions",
          null, new JsonObject().put("username", m.username()).put("password", plan.password()).encode()))));
    }
    if (mix.uses(Endpoint.GRANT)) {
      if (f.pool.isEmpty()) throw new IllegalStateException("grant: nothing to send (no users in the pool)");
      w.grants = new Grants(host, f.adminToken, f.pool.stream().mapToLong(Pool.Member::id).toArray(), f.grantRole,
          f.grantScope, answer -> revokeOf(answer, host, f.adminToken));
    }
    if (mix.uses(Endpoint.GET)) {
      w.put(Endpoint.GET, Stream.of(new Call(Endpoint.GET, Call.encode("GET", host, plan.path(),
          null, null))));
    }
    return w;
  }

  private void put(Endpoint e, Stream<Call> prepared) {
    Call[] array = prepared.toArray(Call[]::new);
    if (array.length == 0) throw new IllegalStateException(e.label() + ": nothing to send (no users in the pool)");
    calls[e.ordinal()] = array;
  }

  /** The scenario of request {@code i}; unlike {@link #call} it has no effect. */
  Endpoint endpoint(long i) {
    return cycle[(int) (i % cycle.length)];
  }

  /**
   * Which of {@code loops} event loops sends request {@code i}: the requests of each traffic class are dealt
   * round robin over the loops by their number within the class, so every loop's connections of a class get
   * their share even when the mix's cycle would put one class on one loop (check=1,list=1 over two loops).
   */
  int loopOf(long i, int loops) {
    if (loops == 1) return 0;
    int slot = (int) (i % cycle.length);
    long inClass = (i / cycle.length) * perCycle[cycle[slot].trafficClass().ordinal()] + rankInClass[slot];
    return (int) (inClass % loops);
  }

  Call call(long i) {
    Endpoint e = cycle[(int) (i % cycle.length)];
    if (e == Endpoint.GRANT && grants != null) return grants.call(grantsSent.getAndIncrement());
    Call[] choices = calls[e.ordinal()];
    return choices.length == 1 ? choices[0] : choices[(int) Long.remainderUnsigned(spread(i), choices.length)];
  }

  /** The split-mix finaliser: neighbouring numbers land far apart. */
  private static long spread(long i) {
    long z = i + 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Prefixes of pool usernames that match a page or so of users each ("student0000", "faculty00001"). */
  static List<String> searchPrefixes(List<Pool.Member> pool) {
    Set<String> prefixes = new LinkedHashSet<>();
    for (Pool.Member m : pool) {
      String u = m.username();
      prefixes.add(u.substring(0, Math.max(1, u.length() - 2)));
    }
    if (prefixes.isEmpty()) prefixes.addAll(List.of("student0000", "faculty0000", "staff0000"));
    return new ArrayList<>(prefixes);
  }

  private static Call revokeOf(Buffer answer, String host, String token) {
    try {
      Long id = new JsonObject(answer).getLong("id");
      return id == null ? null : new Call(Endpoint.REVOKE, Call.encode("DELETE", host, "/v1/grants/" + id, token,
          null));
    } catch (RuntimeException e) {
      return null;
    }
  }
}
