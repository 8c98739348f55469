package org.provost.testing;

/** Pauses for tests that poll a running server until something it does in the background has happened. */
public final class Waits {
  private Waits() {}

  /**
   * Sleeps {@code millis} ms.
   *
   * @throws IllegalStateException when interrupted (the interrupt is kept)
   */
  public static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
