package org.provost.logs;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import net.logstash.logback.encoder.LogstashEncoder;
import org.slf4j.LoggerFactory;

/**
 * Chooses how log lines are written: {@code text} (the pattern in {@code logback.xml}, for people) or
 * {@code json} (one JSON object per line, for log shippers: {@code @timestamp}, {@code level},
 * {@code logger_name}, {@code message}, {@code request_id} and any key-value pairs of the event as fields).
 */
public final class LogFormat {
  public static final String TEXT = "text";
  public static final String JSON = "json";
  private static final String APPENDER = "json";
  /** The text appenders JSON replaced, put back by {@code apply(TEXT)}. */
  private static final java.util.List<Appender<ILoggingEvent>> detached = new java.util.ArrayList<>();

  private LogFormat() {}

  /**
   * Switches the root logger to {@code format} ({@link #TEXT} or {@link #JSON}); idempotent. Text leaves
   * the configuration of {@code logback.xml} as it is (or restores it after JSON).
   *
   * @throws IllegalArgumentException for any other format (Config refuses it earlier)
   */
  public static synchronized void apply(String format) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) return;
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    switch (format) {
      case JSON -> {
        if (root.getAppender(APPENDER) != null) return;
        ConsoleAppender<ILoggingEvent> json = new ConsoleAppender<>();
        json.setContext(context);
        json.setName(APPENDER);
        json.setEncoder(encoder(context));
        json.start();
        for (var it = root.iteratorForAppenders(); it.hasNext(); ) {
          Appender<ILoggingEvent> a = it.next();
          if (a instanceof ConsoleAppender<ILoggingEvent>) {
            root.detachAppender(a);
            detached.add(a);
          }
        }
        root.addAppender(json);
      }
      case TEXT -> {
        Appender<ILoggingEvent> json = root.getAppender(APPENDER);
        if (json == null) return;
        for (Appender<ILoggingEvent> a : detached) root.addAppender(a);
        detached.clear();
        root.detachAppender(json);
        json.stop();
      }
      default -> throw new IllegalArgumentException("unknown log format " + format);
    }
  }

  /** The JSON-lines encoder, also used by tests that capture output in that format. */
  public static Encoder<ILoggingEvent> encoder(LoggerContext context) {
    LogstashEncoder encoder = new LogstashEncoder();
    encoder.setContext(context);
    // the logger context's name and properties would repeat on every line
    encoder.setIncludeContext(false);
    encoder.start();
    return encoder;
  }
}
