package org.provost.roles;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import org.provost.error.ServiceException;
import org.provost.error.ServiceException.FieldError;

/**
 * What a role definition must satisfy before it is written: every permission and included role exists,
 * no include makes a cycle, and the editor holds globally every permission the change adds to the role.
 * The last rule extends "nobody can grant a role that carries a permission they do not hold" to role
 * editing: otherwise a holder of {@code roles.write} could add any permission to a role they hold.
 */
final class RoleRules {
  private RoleRules() {}

  /** Lists that are null were not sent and are not checked. */
  static void requireKnown(Connection c, RoleGraph graph, List<String> permissions, List<String> includes)
      throws SQLException {
    List<FieldError> errors = new ArrayList<>();
    if (permissions != null && !permissions.isEmpty()) {
      List<String> unknown = RoleStore.unknownPermissions(c, permissions);
      if (!unknown.isEmpty()) {
        errors.add(new FieldError("permissions", "no such permission: " + String.join(", ", unknown)));
      }
    }
    if (includes != null) {
      List<String> unknown = includes.stream().filter(name -> graph.find(name).isEmpty()).toList();
      if (!unknown.isEmpty()) errors.add(new FieldError("includes", "no such role: " + String.join(", ", unknown)));
    }
    if (!errors.isEmpty()) throw new ServiceException.InvalidInput(errors);
  }

  /** {@code role} including {@code includes} must not lead back to itself. */
  static void requireAcyclic(RoleGraph graph, String role, List<String> includes) {
    for (String included : includes) {
      if (graph.reaches(included, role)) {
        String how = included.equals(role) ? "a role cannot include itself"
            : "role " + included + " already includes " + role + ", so " + role + " cannot include it";
        throw new ServiceException.Conflict("cycle", how, List.of(new FieldError("includes", how)));
      }
    }
  }

  /** The built-in admin role: it holds every permission and is never edited or deleted. */
  static boolean isBuiltinAdmin(Role role) {
    return role.builtin() && role.name().equals("admin");
  }

  static void requireNotBuiltin(Role role, String whatFor, String field) {
    if (role.builtin()) {
      String why = "role " + role.name() + " is built in and cannot be " + whatFor;
      throw new ServiceException.Conflict("builtin", why,
          field == null ? List.of() : List.of(new FieldError(field, why)));
    }
  }
}
