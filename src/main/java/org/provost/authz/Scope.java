package org.provost.authz;

/**
 * Where a grant applies or a question is asked: global, a department (and everything under it), a course
 * (and its offerings), or one course offering. {@code id} is the row id; 0 for global.
 */
public record Scope(Kind kind, long id) {
  public static final Scope GLOBAL = new Scope(Kind.GLOBAL, 0);

  public enum Kind {
    GLOBAL("global"), DEPARTMENT("department"), COURSE("course"), OFFERING("offering");

    private final String prefix;

    Kind(String prefix) {
      this.prefix = prefix;
    }

    public String prefix() {
      return prefix;
    }

    /** The value stored in grants.scope_type. */
    public short code() {
      return (short) ordinal();
    }

    public static Kind ofCode(int code) {
      return values()[code];
    }
  }

  public static Scope department(long id) {
    return new Scope(Kind.DEPARTMENT, id);
  }

  public static Scope course(long id) {
    return new Scope(Kind.COURSE, id);
  }

  public static Scope offering(long id) {
    return new Scope(Kind.OFFERING, id);
  }

  /** The grants.scope_id value: NULL for global. */
  public Long scopeIdOrNull() {
    return kind == Kind.GLOBAL ? null : id;
  }
}
