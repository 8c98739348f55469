package org.provost.provisioning;

import java.util.ArrayList;
import java.util.List;
import org.provost.error.ServiceException.FieldError;

/**
 * One data line of an import file, read and checked on its own. A null field was not given (no such column,
 * or an empty cell): an update leaves it as it is, a new user gets the default.
 */
final class ImportRow {
  final int line;
  final String externalId;
  final String username;
  final String email;
  final String displayName;
  final String type;
  final String department;
  final Boolean active;
  final Boolean verified;
  final List<FieldError> errors = new ArrayList<>(0);

  /** Filled in against the database: the department's id, and the user this row updates (null: creates). */
  Long departmentId;
  Existing existing;

  /** The stored user an external id matches. */
  record Existing(long id, String username, String email, String displayName, String type, String department,
      boolean active, boolean verified) {}

  ImportRow(int line, String externalId, String username, String email, String displayName, String type,
      String department, Boolean active, Boolean verified) {
    this.line = line;
    this.externalId = externalId;
    this.username = username;
    this.email = email;
    this.displayName = displayName;
    this.type = type;
    this.department = department;
    this.active = active;
    this.verified = verified;
  }

  /** A line that could not be read into fields at all. */
  static ImportRow unreadable(int line, String externalId, String field, String reason) {
    ImportRow row = new ImportRow(line, externalId, null, null, null, null, null, null, null);
    row.error(field, reason);
    return row;
  }

  void error(String field, String reason) {
    errors.add(new FieldError(field, reason));
  }

  boolean hasError(String field) {
    for (FieldError e : errors) {
      if (e.field().equals(field)) return true;
    }
    return false;
  }

  boolean valid() {
    return errors.isEmpty();
  }

  /** The canonical keys ({@link org.provost.users.Identifiers#key}) of the row's username and email, or null. */
  String usernameKey() {
    return org.provost.users.Identifiers.key(username);
  }

  String emailKey() {
    return org.provost.users.Identifiers.key(email);
  }
}
