package org.provost.authz;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The check path in isolation, over a synthetic university (users x 3 grants: a global role, a role on a
 * department two levels under a school, a term-bound role on an offering). {@code reference} is one
 * ConcurrentHashMap lookup of a String key, measured in the same run, so results read as ratios.
 *
 * <p>Run: {@code bin/bench CheckBenchmark -prof gc}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class CheckBenchmark {
  @Param({"100000"})
  int users;

  AuthzIndex index;
  Map<String, Integer> referenceMap;
  String[] subjects;
  String[] resources;
  int permission;
  long now;
  int cursor;

  @Setup(Level.Trial)
  public void build() {
    Catalog.Builder b = new Catalog.Builder();
    String[] permissions = {"authz.check", "grades.read", "grades.write", "course.materials.read", "roster.read"};
    for (int i = 0; i < permissions.length; i++) b.permission(i + 1, permissions[i]);
    b.role(1, "student");
    b.rolePermission(1, 4);
    b.role(2, "teaching_assistant");
    b.rolePermission(2, 2);
    b.rolePermission(2, 3);
    b.rolePermission(2, 5);
    b.role(3, "department_admin");
    b.roleInclude(3, 2);
    b.department(1, "SCI", -1);
    for (int d = 2; d <= 41; d++) b.department(d, "D" + d, d <= 6 ? 1 : 2 + (d % 5));
    for (int c = 1; c <= 400; c++) b.course(c, "C" + c, 2 + (c % 40));
    for (int o = 1; o <= 1600; o++) b.offering(o, "C" + (1 + (o - 1) % 400), "t" + ((o - 1) / 400), 1 + (o - 1) % 400);
    Catalog catalog = b.build();
    now = 1_780_000_000_000L;
    UserTable table = new UserTable(0).withRoomFor(users);
    Map<String, Integer> names = new HashMap<>();
    Random random = new Random(42);
    for (int u = 1; u <= users; u++) {
      long[] g = UserTable.append(null, 3L * u, 1, ScopeCode.GLOBAL, UserTable.NO_START, UserTable.NO_END);
      g = UserTable.append(g, 3L * u + 1, 3, ScopeCode.encode(ScopeCode.DEPARTMENT, 2 + random.nextInt(40)),
          UserTable.NO_START, UserTable.NO_END);
      g = UserTable.append(g, 3L * u + 2, 2, ScopeCode.encode(ScopeCode.OFFERING, 1 + random.nextInt(1600)),
          now - 86_400_000L, now + 86_400_000L);
      table.put(u, "user" + u, true, g);
      names.put("user" + u, u);
    }
    index = AuthzIndex.of(catalog, table, names, 1);
    referenceMap = new ConcurrentHashMap<>(names);
    subjects = new String[4096];
    resources = new String[4096];
    for (int i = 0; i < subjects.length; i++) {
      subjects[i] = random.nextBoolean() ? "user" + (1 + random.nextInt(users)) : Integer.toString(1 + random.nextInt(users));
      resources[i] = "offering:C" + (1 + random.nextInt(400)) + "/t" + random.nextInt(4);
    }
    permission = index.permission("grades.write");
  }

  /** The index decision alone: ids already resolved. */
  @Benchmark
  public boolean allowed() {
    int i = cursor++ & 4095;
    return index.allowed(1 + (i * 24 % users), permission, ScopeCode.encode(ScopeCode.OFFERING, 1 + i % 1600), now);
  }

  /** What /v1/check does per request: resolve subject, permission and resource names, then decide. */
  @Benchmark
  public boolean checkByName() {
    int i = cursor++ & 4095;
    return index.allowed(index.subject(subjects[i]), index.permission("grades.write"), index.scope(resources[i]), now);
  }

  /** Reference: one ConcurrentHashMap lookup of a String key. */
  @Benchmark
  public Integer reference() {
    return referenceMap.get(subjects[cursor++ & 4095]);
  }
}
