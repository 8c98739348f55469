package org.provost.http;

/**
 * The three kinds of work an instance runs (DESIGN.md "Lanes and admission"). A route names its lane once,
 * when it is registered with {@link Api}; the lane decides where its code runs and how it is admitted.
 */
public enum Lane {
  /**
   * Answered from memory on the event loop (checks, batch, explain, {@code /v1/me}, session validation):
   * never queued behind the other lanes. A cache miss (a token or {@code /v1/me} body this instance has not
   * seen) is filled on a virtual thread through the database's small fill pool, never the SQL lane's.
   */
  MEMORY,
  /**
   * Anything that touches SQL: admitted by the SQL lane's {@link Admission} (bounded concurrency, sized to the
   * connection pool, and a bounded queue wait; past it, 503 {@code overloaded}), then run on the lane's own
   * platform threads, below the event loops' scheduling priority (PROVOST_LANE_NICE). Grants and revokes
   * wait for their group's commit on virtual threads; the committer runs at that lower priority too.
   */
  SQL,
  /**
   * Work bound by the password hash (login, password change): on a virtual thread, admitted by the hash
   * lane's {@link Admission} (concurrency = the hash threads); past it, 503 {@code overloaded}. The hash
   * itself runs on the hash threads, below the event loops' scheduling priority (PROVOST_LANE_NICE).
   */
  HASH
}
