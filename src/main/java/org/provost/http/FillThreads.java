package org.provost.http;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.provost.error.ServiceException;
import org.provost.logs.ContextCarryingExecutor;

/**
 * The threads that fill the memory lane's caches (a token this instance has not seen, an account
 * {@code /v1/me} must read): platform threads at the process's scheduling priority, never on a virtual
 * thread's carrier. A carrier can be created by a thread of the SQL or hash lane when it wakes a virtual
 * thread, and a new thread inherits its creator's lowered priority (ops.ThreadPriority); these threads are
 * created only by the event loops and by each other, so they keep the event loops' priority.
 *
 * <p>At most {@link #MAX} fills run at once, each with the request's logging context; one more is refused at
 * once ({@link java.util.concurrent.RejectedExecutionException}: answer {@link #busy()}). None queues: each
 * waits at most the fill pool's 1 s for a connection (db.Database#fill), as on a virtual thread before.
 * Idle threads end after 60 s.
 */
public final class FillThreads {
  /** Fills running at once: far above the fill pool's connections, which bound the SQL they run. */
  public static final int MAX = 256;

  private FillThreads() {}

  /** A new executor of fill threads named {@code provost-fills-N}; shut it down with the instance. */
  public static ExecutorService create() {
    ThreadPoolExecutor pool = new ThreadPoolExecutor(0, MAX, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
        Thread.ofPlatform().daemon().name("provost-fills-", 0).factory());
    return ContextCarryingExecutor.wrap(pool);
  }

  /** The 503 for a fill refused because {@link #MAX} are running. */
  public static ServiceException busy() {
    return new ServiceException.Unavailable("database_busy", MAX + " cache fills are running on this instance; "
        + "retry shortly");
  }
}
