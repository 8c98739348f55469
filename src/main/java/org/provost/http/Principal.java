package org.provost.http;

import java.util.Set;

/**
 * Who is calling: a person with a session, or a campus application with an API key. A person's authority
 * comes from their grants. A key's is at most its owner's, now: it holds a permission in a scope only when
 * the permission is among the key's own ({@link #clientPermissions}, listed) and its owner holds it there.
 *
 * @param id the user id (people) or the client id (keys)
 * @param sessionId the session's id (people); 0 for keys
 * @param ownerId for a key, the user whose authority bounds it ({@link #NO_OWNER} when it has none); for a
 *     person, their own id
 */
public record Principal(Kind kind, long id, String name, long sessionId, Set<String> clientPermissions,
    long ownerId) {
  /** {@link #ownerId} of a key whose owner is unknown: such a key holds nothing. */
  public static final long NO_OWNER = -1;

  public enum Kind { USER, CLIENT }

  public static Principal user(long userId, String username, long sessionId) {
    return new Principal(Kind.USER, userId, username, sessionId, Set.of(), userId);
  }

  public static Principal client(long clientId, String name, Set<String> permissions, long ownerId) {
    return new Principal(Kind.CLIENT, clientId, name, 0, Set.copyOf(permissions), ownerId);
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

  /**
   * The person this caller acts for: themselves, or a key's owner ({@link #NO_OWNER} for a key without
   * one). Nobody grants to this person, and what they hold bounds what the caller may do.
   */
  public long authorityUserId() {
    return ownerId;
  }
}
