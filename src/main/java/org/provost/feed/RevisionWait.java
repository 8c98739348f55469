package org.provost.feed;

import java.util.function.BooleanSupplier;

/**
 * Blocking waits for something the change feed moves forward (a revision applied): waiters park on one
 * monitor and look again at each {@link #signal}. Used by {@link ChangeFeed#awaitApplied} and the
 * authorization index's catch-up wait. Never for the event loop: {@link #await} parks its thread.
 */
public final class RevisionWait {
  private final Object monitor = new Object();

  /** Wakes every waiter to look again: call after the watched value moved, or on stop. */
  public void signal() {
    synchronized (monitor) {
      monitor.notifyAll();
    }
  }

  /**
   * Parks until {@code reached} is true, at most {@code maxMillis}. Returns false on timeout, on interrupt
   * (the interrupt flag is kept), or as soon as {@code going} turns false (checked at each wake).
   */
  public boolean await(BooleanSupplier reached, BooleanSupplier going, long maxMillis) {
    long deadline = System.nanoTime() + maxMillis * 1_000_000;
    synchronized (monitor) {
      while (!reached.getAsBoolean()) {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0 || !going.getAsBoolean()) return false;
        try {
          monitor.wait(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      return true;
    }
  }
}
