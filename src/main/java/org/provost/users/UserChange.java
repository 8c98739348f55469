package org.provost.users;

/** A validated partial update; null fields stay as they are. */
public record UserChange(String username, String email, String displayName, String type, String department,
    boolean clearDepartment, String externalId, Boolean active, Boolean verified, String password) {

  /** True when only fields a person may change on their own record are set. */
  boolean selfServiceOnly() {
    return username == null && email == null && type == null && department == null && !clearDepartment
        && externalId == null && active == null && verified == null;
  }
}
