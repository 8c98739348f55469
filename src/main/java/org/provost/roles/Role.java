package org.provost.roles;

import java.util.SortedSet;

/** A role as stored: its own permissions and the roles it includes directly, both sorted by name. */
record Role(long id, String name, String description, boolean builtin, SortedSet<String> permissions,
    SortedSet<String> includes) {}
