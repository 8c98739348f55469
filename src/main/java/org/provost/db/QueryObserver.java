package org.provost.db;

/**
 * Told of every SQL statement {@link Jdbc} runs on a pooled connection: the query's name (see
 * {@link QueryNames}), how long it took from execution to its last row read, in nanoseconds, and how many
 * rows it returned or changed (-1: not counted, {@link Jdbc#read}). Called on the thread that ran the
 * statement; must not throw or block.
 */
@FunctionalInterface
public interface QueryObserver {
  QueryObserver NONE = (name, nanos, rows) -> { };

  void executed(String name, long nanos, long rows);
}
