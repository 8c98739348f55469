package org.provost.authz;

/** Scopes packed into one long for the index: kind in bits 40-41, row id below. Global is 0. */
final class ScopeCode {
  static final long GLOBAL = 0;
  static final int DEPARTMENT = 1;
  static final int COURSE = 2;
  static final int OFFERING = 3;
  private static final long ID_MASK = (1L << 40) - 1;

  private ScopeCode() {}

  static long encode(int kind, long id) {
    return kind == 0 ? GLOBAL : ((long) kind << 40) | (id & ID_MASK);
  }

  static int kind(long scope) {
    return (int) (scope >>> 40) & 3;
  }

  static long id(long scope) {
    return scope & ID_MASK;
  }

  static long of(Scope scope) {
    return encode(scope.kind().code(), scope.id());
  }
}
