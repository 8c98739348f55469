package org.provost.provisioning;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.provost.error.ServiceException;
import org.provost.error.ServiceException.FieldError;

/**
 * What {@code provost seed} builds. Usernames carry six digits, so each kind of person is capped at 999,999.
 * {@code today} picks the terms (the current one and those before it); with the same {@code seed} and
 * {@code today} the university is the same, row for row.
 */
public record SeedOptions(int students, int faculty, int staff, int departments, int courses, int terms,
    boolean roleAssign, long seed, LocalDate today, String password) {
  public static final int MAX_PEOPLE = 999_999;
  /** What a plain {@code provost seed} creates; {@code provost loadtest}'s default pool is drawn from these. */
  public static final int DEFAULT_STUDENTS = 10_000;
  public static final int DEFAULT_FACULTY = 3_000;
  public static final int DEFAULT_STAFF = 500;
  public static final int DEFAULT_DEPARTMENTS = 40;
  public static final int DEFAULT_COURSES_PER_DEPARTMENT = 20;
  public static final int DEFAULT_TERMS = 3;

  public SeedOptions {
    List<FieldError> errors = new ArrayList<>();
    range(errors, "--students", students, 0, MAX_PEOPLE);
    range(errors, "--faculty", faculty, 0, MAX_PEOPLE);
    range(errors, "--staff", staff, 0, MAX_PEOPLE);
    range(errors, "--departments", departments, 1, 999);
    range(errors, "--courses", courses, 0, 899 * departments);
    range(errors, "--terms", terms, 1, 30);
    if (password == null || password.length() < 10) {
      errors.add(new FieldError("--password", "must be at least 10 characters"));
    }
    if (today == null) errors.add(new FieldError("today", "is required"));
    if (!errors.isEmpty()) throw new ServiceException.InvalidInput(errors);
  }

  public SeedOptions withRoleAssign(boolean assign) {
    return new SeedOptions(students, faculty, staff, departments, courses, terms, assign, seed, today, password);
  }

  public int people() {
    return students + faculty + staff;
  }

  private static void range(List<FieldError> errors, String flag, int value, int min, int max) {
    if (value < min || value > max) {
      errors.add(new FieldError(flag, "must be between " + min + " and " + max + " (got " + value + ")"));
    }
  }
}
