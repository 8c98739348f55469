package org.provost.feed;

/** One committed change from the changelog: what kind of row, which one, and what happened to it. */
public record Change(long revision, String entity, String entityId, String op) {}
