package org.provost.provisioning;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A made-up university drawn deterministically from a seed: schools over departments, courses, terms,
 * offerings (every course in every term), people, and who teaches, assists and administers what.
 * Every person's attributes come from their own random stream (seed, kind, number), so
 * {@code student000042} is the same person whatever the other sizes are, as long as the departments are.
 */
final class University {
  enum Kind {
    STUDENT("student"), FACULTY("faculty"), STAFF("staff");

    final String type;

    Kind(String type) {
      this.type = type;
    }
  }

  record Department(String code, String name, String parent) {}

  record Course(String code, String title, int department) {}

  record Person(String username, String email, String displayName, String type, int department,
      boolean verified) {}

  /** A role held in one department (scope "department:CODE") or offering ("offering:COURSE/TERM"). */
  record ScopedGrant(String username, String role, boolean onOffering, String scopeCode, Terms.Term term) {}

  @FunctionalInterface
  interface Sink<T> {
    void accept(T item) throws SQLException;
  }

  static final String EMAIL_DOMAIN = "seed.provost.invalid";
  private static final int ADMIN_STREAM = 10;
  private static final int OFFERING_STREAM = 11;
  private static final int COURSE_STREAM = 12;
  private static final int SCHOOL_STREAM = 13;

  private final long seed;
  final List<Department> schools = new ArrayList<>();
  final List<Department> departments = new ArrayList<>();
  final List<Course> courses = new ArrayList<>();
  final List<Terms.Term> terms;
  private final int[] counts;
  private Pools pools;

  University(SeedOptions o) {
    this.seed = o.seed();
    this.counts = new int[] {o.students(), o.faculty(), o.staff()};
    buildDepartments(o.departments());
    for (int i = 0; i < o.courses(); i++) {
      int d = i % departments.size();
      int number = 101 + i / departments.size();
      SplittableRandom r = draws(COURSE_STREAM, i);
      String title = departments.get(d).name() + ": " + Catalog.TOPICS[r.nextInt(Catalog.TOPICS.length)] + " "
          + Catalog.LEVELS[number / 100];
      courses.add(new Course(departments.get(d).code() + number, title, d));
    }
    this.terms = Terms.endingAt(o.today(), o.terms());
  }

  /** Departments in round-robin order over the schools, so that a few of them still span the university. */
  private void buildDepartments(int wanted) {
    List<String[]> order = new ArrayList<>();
    List<String> schoolOf = new ArrayList<>();
    for (int round = 0; order.size() < wanted; round++) {
      boolean any = false;
      for (Catalog.School s : Catalog.SCHOOLS) {
        if (round < s.departments().size() && order.size() < wanted) {
          order.add(s.departments().get(round));
          schoolOf.add(s.code());
          any = true;
        }
      }
      if (!any) break;
    }
    for (int i = order.size(); i < wanted; i++) {
      order.add(new String[] {"D%03d".formatted(i + 1), "Interdisciplinary Studies " + (i + 1)});
      schoolOf.add(Catalog.SCHOOLS.get(i % Catalog.SCHOOLS.size()).code());
    }
    for (Catalog.School s : Catalog.SCHOOLS) {
      if (schoolOf.contains(s.code())) schools.add(new Department(s.code(), s.name(), null));
    }
    for (int i = 0; i < order.size(); i++) {
      departments.add(new Department(order.get(i)[0], "Department of " + order.get(i)[1], schoolOf.get(i)));
    }
  }

  int count(Kind kind) {
    return counts[kind.ordinal()];
  }

  static String username(Kind kind, int number) {
    return kind.type + "%06d".formatted(number);
  }

  /** The person's department index, or -1: the first draw of their stream (see {@link #person}). */
  int departmentOf(Kind kind, int number) {
    return department(kind, draws(kind.ordinal(), number));
  }

  private int department(Kind kind, SplittableRandom r) {
    int d = r.nextInt(departments.size());
    // a quarter of the staff work centrally (registry, library, IT), in no department
    return kind == Kind.STAFF && r.nextInt(4) == 0 ? -1 : d;
  }

  Person person(Kind kind, int number) {
    SplittableRandom r = draws(kind.ordinal(), number);
    int department = department(kind, r);
    String name = Catalog.GIVEN[r.nextInt(Catalog.GIVEN.length)] + " "
        + Catalog.FAMILY[r.nextInt(Catalog.FAMILY.length)];
    boolean verified = kind != Kind.STUDENT || r.nextInt(100) < 96;
    String username = username(kind, number);
    return new Person(username, username + "@" + EMAIL_DOMAIN, name, kind.type, department, verified);
  }

  /**
   * Roles held in a scope: per offering one instructor from the course's department (any faculty member when
   * it has none) and up to two teaching assistants from its students, for the term's dates; per department
   * one department_admin (a staff member there, else a faculty member); per school one from central staff.
   */
  void scopedGrants(Sink<ScopedGrant> sink) throws SQLException {
    if (pools == null) pools = new Pools(this, departments.size());
    for (int c = 0; c < courses.size(); c++) {
      Course course = courses.get(c);
      for (int t = 0; t < terms.size(); t++) {
        Terms.Term term = terms.get(t);
        SplittableRandom r = draws(OFFERING_STREAM, (long) c * terms.size() + t);
        String offering = course.code() + "/" + term.code();
        int[] teachers = pools.of(Kind.FACULTY, course.department());
        if (teachers.length > 0) {
          sink.accept(new ScopedGrant(username(Kind.FACULTY, teachers[r.nextInt(teachers.length)]), "instructor",
              true, offering, term));
        }
        int[] assistants = pools.of(Kind.STUDENT, course.department());
        int tas = assistants.length == 0 ? 0 : r.nextInt(3);
        int first = -1;
        for (int i = 0; i < tas; i++) {
          int pick = assistants[r.nextInt(assistants.length)];
          if (pick == first) continue;
          first = pick;
          sink.accept(new ScopedGrant(username(Kind.STUDENT, pick), "teaching_assistant", true, offering, term));
        }
      }
    }
    for (int d = 0; d < departments.size(); d++) {
      SplittableRandom r = draws(ADMIN_STREAM, d);
      int[] staff = pools.of(Kind.STAFF, d);
      int[] faculty = pools.of(Kind.FACULTY, d);
      String admin = staff.length > 0 ? username(Kind.STAFF, staff[r.nextInt(staff.length)])
          : faculty.length > 0 ? username(Kind.FACULTY, faculty[r.nextInt(faculty.length)]) : null;
      if (admin != null) {
        sink.accept(new ScopedGrant(admin, "department_admin", false, departments.get(d).code(), null));
      }
    }
    int[] central = pools.central();
    for (int s = 0; s < schools.size() && central.length > 0; s++) {
      int pick = central[draws(SCHOOL_STREAM, s).nextInt(central.length)];
      sink.accept(new ScopedGrant(username(Kind.STAFF, pick), "department_admin", false, schools.get(s).code(),
          null));
    }
  }

  private SplittableRandom draws(int stream, long index) {
    long z = seed * 0x9E3779B97F4A7C15L + stream * 0xD1B54A32D192ED03L + index;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return new SplittableRandom(z ^ (z >>> 31));
  }
}
