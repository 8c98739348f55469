package org.provost.users;

/** A validated request to create a user. */
public record NewUser(String username, String email, String displayName, String type, String department,
    String externalId, boolean active, boolean verified, String password) {}
