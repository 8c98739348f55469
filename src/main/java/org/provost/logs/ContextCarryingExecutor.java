package org.provost.logs;

import java.util.List;
import java.util.Map;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.MDC;

/**
 * An executor that runs each task with the logging context (MDC: the request id) of the thread that
 * submitted it, so a request's work on a virtual thread logs with that request's id. Tasks submitted
 * without a context run without one.
 */
public final class ContextCarryingExecutor extends AbstractExecutorService {
  private final ExecutorService delegate;

  private ContextCarryingExecutor(ExecutorService delegate) {
    this.delegate = delegate;
  }

  public static ExecutorService wrap(ExecutorService delegate) {
    return new ContextCarryingExecutor(delegate);
  }

  @Override
  public void execute(Runnable task) {
    Map<String, String> context = MDC.getCopyOfContextMap();
    if (context == null || context.isEmpty()) {
      delegate.execute(task);
      return;
    }
    delegate.execute(() -> {
      MDC.setContextMap(context);
      try {
        task.run();
      } finally {
        MDC.clear();
      }
    });
  }

  @Override
  public void shutdown() {
    delegate.shutdown();
  }

  @Override
  public List<Runnable> shutdownNow() {
    return delegate.shutdownNow();
  }

  @Override
  public boolean isShutdown() {
    return delegate.isShutdown();
  }

  @Override
  public boolean isTerminated() {
    return delegate.isTerminated();
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    return delegate.awaitTermination(timeout, unit);
  }
}
