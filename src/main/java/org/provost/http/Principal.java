package org.provost.http;

import java.util.Set;

/**
 * Who is calling: a person with a session, or a campus application with an API key. A client's
 * permissions are global and listed; a user's come from their grants, asked of the authorizer.
 */
public record Principal(Kind kind, long id, String name, long sessionId, Set<String> clientPermissions) {
  public enum Kind { USER, CLIENT }

  public static Principal user(long userId, String username, long sessionId) {
    return new Principal(Kind.USER, userId, username, sessionId, Set.of());
  }

  public static Principal client(long clientId, String name, Set<String> permissions) {
    return new Principal(Kind.CLIENT, clientId, name, 0, Set.copyOf(permissions));
  }

  public boolean isUser() {
    return kind == Kind.USER;
  }

  /** How the audit log names this caller. */
  public String auditName() {
    return isUser() ? name : "client:" + name;
  }

  /** The user id recorded as actor, or null for an API client. */
  public Long actorUserId() {
    return isUser() ? id : null;
  }
}
