package org.provost.provisioning;

/** The numbers of the people of each kind in each department, and the staff who work centrally. */
final class Pools {
  private static final int[] NONE = new int[0];
  private final int[][][] byDepartment;
  private final int[] central;
  private final int[][] all = new int[University.Kind.values().length][];

  Pools(University university, int departments) {
    University.Kind[] kinds = University.Kind.values();
    byDepartment = new int[kinds.length][][];
    int[] centralStaff = NONE;
    for (University.Kind kind : kinds) {
      int n = university.count(kind);
      int[] departmentOf = new int[n + 1];
      int[] sizes = new int[departments];
      int centralCount = 0;
      for (int number = 1; number <= n; number++) {
        int d = university.departmentOf(kind, number);
        departmentOf[number] = d;
        if (d < 0) centralCount++;
        else sizes[d]++;
      }
      int[][] pools = new int[departments][];
      for (int d = 0; d < departments; d++) pools[d] = new int[sizes[d]];
      int[] filled = new int[departments];
      int[] centralPool = new int[centralCount];
      int c = 0;
      for (int number = 1; number <= n; number++) {
        int d = departmentOf[number];
        if (d < 0) centralPool[c++] = number;
        else pools[d][filled[d]++] = number;
      }
      byDepartment[kind.ordinal()] = pools;
      if (kind == University.Kind.STAFF) centralStaff = centralPool;
    }
    this.central = centralStaff;
  }

  /** People of {@code kind} in department {@code d}, by number, ascending; all of that kind when it has none. */
  int[] of(University.Kind kind, int d) {
    int[] here = byDepartment[kind.ordinal()][d];
    if (here.length > 0 || kind == University.Kind.STAFF) return here;
    return all(kind);
  }

  /** Staff in no department. */
  int[] central() {
    return central;
  }

  private int[] all(University.Kind kind) {
    if (all[kind.ordinal()] != null) return all[kind.ordinal()];
    int total = 0;
    for (int[] p : byDepartment[kind.ordinal()]) total += p.length;
    int[] out = new int[total];
    int i = 0;
    for (int[] p : byDepartment[kind.ordinal()]) {
      System.arraycopy(p, 0, out, i, p.length);
      i += p.length;
    }
    all[kind.ordinal()] = out;
    return out;
  }
}
