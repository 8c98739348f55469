package org.provost.roles;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.regex.Pattern;
import org.provost.http.Input;

/**
 * A role definition as a request sent it, validated for shape only (references are checked against the
 * database later). In a change, a null field was not sent and keeps its value; a list sent replaces.
 */
record RoleSpec(String name, String description, List<String> permissions, List<String> includes) {
  static final String[] FIELDS = {"name", "description", "permissions", "includes"};
  static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");
  static final String NAME_HINT = "must be lowercase letters, digits and '_', starting with a letter";
  static final int MAX_NAME = 64;
  static final int MAX_DESCRIPTION = 500;
  static final int MAX_PERMISSIONS = 500;
  static final int MAX_INCLUDES = 100;

  static RoleSpec forCreate(Input in) {
    String name = in.requiredString("name", MAX_NAME, NAME, NAME_HINT);
    String description = in.optionalString("description", MAX_DESCRIPTION);
    List<String> permissions = in.optionalStringList("permissions", MAX_PERMISSIONS, PermissionRoutes.MAX_NAME);
    List<String> includes = in.optionalStringList("includes", MAX_INCLUDES, MAX_NAME);
    in.validate();
    return new RoleSpec(name, description == null ? "" : description,
        permissions == null ? List.of() : permissions, includes == null ? List.of() : includes);
  }

  /** {@code raw} is the same body as {@code in}: an explicit null is refused rather than read as "keep". */
  static RoleSpec forChange(Input in, JsonObject raw) {
    for (String field : FIELDS) {
      if (raw.containsKey(field) && raw.getValue(field) == null) {
        in.error(field, field.equals("permissions") || field.equals("includes")
            ? "must be an array; send [] to empty it" : "must not be null");
      }
    }
    if (raw.isEmpty()) in.error("body", "names nothing to change; send name, description, permissions or includes");
    String name = in.optionalString("name", MAX_NAME, NAME, NAME_HINT);
    String description = in.optionalString("description", MAX_DESCRIPTION);
    List<String> permissions = in.optionalStringList("permissions", MAX_PERMISSIONS, PermissionRoutes.MAX_NAME);
    List<String> includes = in.optionalStringList("includes", MAX_INCLUDES, MAX_NAME);
    in.validate();
    return new RoleSpec(name, description, permissions, includes);
  }
}
