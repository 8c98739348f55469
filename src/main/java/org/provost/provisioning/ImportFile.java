package org.provost.provisioning;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.provost.error.ServiceException;
import org.provost.error.ServiceException.FieldError;
import org.provost.users.Identifiers;

/**
 * An import file read and checked on its own, before the database is asked anything: the header's columns,
 * and every row with what is wrong with it (values, and duplicates within the file). A header that cannot be
 * used rejects the whole file; a bad row only marks that row.
 */
public final class ImportFile {
  public static final List<String> COLUMNS = List.of("external_id", "username", "email", "given_name",
      "family_name", "type", "department", "active", "verified");
  private static final Set<String> TYPES = Set.of("student", "faculty", "staff", "affiliate");

  final Set<String> columns;
  final List<ImportRow> rows;

  private ImportFile(Set<String> columns, List<ImportRow> rows) {
    this.columns = columns;
    this.rows = rows;
  }

  public int size() {
    return rows.size();
  }

  /** Reads a whole file. Throws InvalidInput naming the column (or {@code header}) when the header is unusable. */
  public static ImportFile read(Reader in) throws IOException {
    CsvReader csv = new CsvReader(in);
    CsvReader.Record header = csv.next();
    if (header == null) {
      throw new ServiceException.InvalidInput("header",
          "the file is empty; its first line names the columns, e.g. external_id,username,email,type");
    }
    if (header.error() != null) throw new ServiceException.InvalidInput("header", header.error());
    List<String> names = new ArrayList<>();
    List<FieldError> errors = new ArrayList<>();
    for (int i = 0; i < header.fields().size(); i++) {
      String name = header.fields().get(i).trim().toLowerCase(Locale.ROOT);
      if (name.isEmpty()) errors.add(new FieldError("header", "column " + (i + 1) + " has no name"));
      else if (!COLUMNS.contains(name)) {
        errors.add(new FieldError(name, "is not a known column (known: " + String.join(", ", COLUMNS) + ")"));
      } else if (names.contains(name)) errors.add(new FieldError(name, "appears more than once in the header"));
      names.add(name);
    }
    if (!names.contains("external_id")) {
      errors.add(new FieldError("external_id", "column is required: it is the key that matches users"));
    }
    if (!errors.isEmpty()) throw new ServiceException.InvalidInput(errors);

    List<ImportRow> rows = new ArrayList<>();
    Map<String, Integer> byExternalId = new HashMap<>();
    Map<String, Integer> byUsername = new HashMap<>();
    Map<String, Integer> byEmail = new HashMap<>();
    int externalIdAt = names.indexOf("external_id");
    for (CsvReader.Record r = csv.next(); r != null; r = csv.next()) {
      ImportRow row;
      if (r.error() != null || r.fields().size() != names.size()) {
        String id = externalIdAt < r.fields().size() ? blankToNull(r.fields().get(externalIdAt)) : null;
        row = ImportRow.unreadable(r.line(), id, "row", r.error() != null ? r.error()
            : "has " + r.fields().size() + " fields; the header names " + names.size() + " columns");
      } else {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < names.size(); i++) values.put(names.get(i), blankToNull(r.fields().get(i)));
        row = row(r.line(), values);
      }
      duplicate(row, "external_id", row.externalId, byExternalId);
      duplicate(row, "username", row.usernameKey(), byUsername);
      duplicate(row, "email", row.emailKey(), byEmail);
      rows.add(row);
    }
    return new ImportFile(new LinkedHashSet<>(names), rows);
  }

  private static ImportRow row(int line, Map<String, String> v) {
    List<FieldError> errors = new ArrayList<>();
    String externalId = text(errors, "external_id", v.get("external_id"), 128);
    if (v.get("external_id") == null) errors.add(new FieldError("external_id", "is required"));
    String username = identifier(errors, "username", text(errors, "username", v.get("username"), 64));
    String email = identifier(errors, "email", text(errors, "email", v.get("email"), 254));
    String given = text(errors, "given_name", v.get("given_name"), 100);
    String family = text(errors, "family_name", v.get("family_name"), 100);
    String displayName = given == null ? family : family == null ? given : given + " " + family;
    String type = text(errors, "type", v.get("type"), 20);
    if (type != null && !TYPES.contains(type)) {
      errors.add(new FieldError("type", "must be one of student, faculty, staff, affiliate (got " + shown(type) + ")"));
    }
    String department = text(errors, "department", v.get("department"), 64);
    Boolean active = bool(errors, "active", v.get("active"));
    Boolean verified = bool(errors, "verified", v.get("verified"));
    ImportRow row = new ImportRow(line, externalId, username, email, displayName, type, department, active,
        verified);
    row.errors.addAll(errors);
    return row;
  }

  private static String text(List<FieldError> errors, String field, String value, int maxLength) {
    if (value == null) return null;
    if (value.length() > maxLength) {
      errors.add(new FieldError(field, "must be at most " + maxLength + " characters"));
      return null;
    }
    for (int i = 0; i < value.length(); i++) {
      if (Character.isISOControl(value.charAt(i))) {
        errors.add(new FieldError(field, "must not contain line breaks or other control characters"));
        return null;
      }
    }
    return value;
  }

  /** The same rules as {@code POST /v1/users} ({@link Identifiers}); answers the display form. */
  private static String identifier(List<FieldError> errors, String field, String value) {
    if (value == null) return null;
    String problem = Identifiers.problem(value);
    String display = problem == null ? Identifiers.display(value) : null;
    if (problem == null) {
      problem = field.equals("username") ? Identifiers.usernameProblem(display) : Identifiers.emailProblem(display);
    }
    if (problem == null) return display;
    errors.add(new FieldError(field, problem + " (got " + shown(value) + ")"));
    return null;
  }

  private static Boolean bool(List<FieldError> errors, String field, String value) {
    if (value == null) return null;
    if (value.equalsIgnoreCase("true")) return true;
    if (value.equalsIgnoreCase("false")) return false;
    errors.add(new FieldError(field, "must be true or false (got " + shown(value) + ")"));
    return null;
  }

  private static void duplicate(ImportRow row, String field, String value, Map<String, Integer> seen) {
    if (value == null) return;
    Integer first = seen.putIfAbsent(value, row.line);
    if (first != null) row.error(field, "appears again; first on line " + first);
  }

  /** A value as an error message quotes it: at most 40 characters. */
  static String shown(String value) {
    return value.length() <= 40 ? value : value.substring(0, 37) + "...";
  }

  private static String blankToNull(String s) {
    String t = s.strip();
    return t.isEmpty() ? null : t;
  }
}
