package org.provost.db;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts SQL statements issued through the pool: the number behind the {@code provost.db.statements}
 * metric, and what tests use to prove a listing costs a constant number of queries (no N+1).
 */
public final class StatementCounter {
  private final LongAdder statements = new LongAdder();

  public long count() {
    return statements.sum();
  }

  /** A pooled connection that tells {@link Jdbc} whom to report its statements to. */
  interface Observed {
    QueryObserver queryObserver();
  }

  Connection wrap(Connection connection) {
    return wrap(connection, QueryObserver.NONE);
  }

  Connection wrap(Connection connection, QueryObserver observer) {
    InvocationHandler handler = (proxy, method, args) -> {
      if (method.getDeclaringClass() == Observed.class) return observer;
      if (isStatement(method)) statements.increment();
      try {
        return method.invoke(connection, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    };
    return (Connection) Proxy.newProxyInstance(StatementCounter.class.getClassLoader(),
        new Class<?>[] {Connection.class, Observed.class}, handler);
  }

  private static boolean isStatement(Method m) {
    String name = m.getName();
    return name.equals("prepareStatement") || name.equals("createStatement") || name.equals("prepareCall");
  }
}
