package org.provost.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.provost.logs.LogFormat;
import org.slf4j.LoggerFactory;

/**
 * Every log event while open, from every logger, at {@code level} and above: kept as events, and
 * rendered in both of Provost's formats (text with all MDC fields, and the JSON-lines encoder).
 * Closing restores the root level and detaches.
 */
public final class CapturedLogs implements AutoCloseable {
  private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
  private final Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
  private final Level previous = root.getLevel();
  private final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();
  private final ch.qos.logback.core.AppenderBase<ILoggingEvent> appender;

  public CapturedLogs(Level level) {
    appender = new ch.qos.logback.core.AppenderBase<>() {
      @Override
      protected void append(ILoggingEvent e) {
        e.prepareForDeferredProcessing();
        events.add(e);
      }
    };
    appender.setContext(context);
    appender.setName("captured");
    appender.start();
    root.addAppender(appender);
    root.setLevel(level);
  }

  public List<ILoggingEvent> events() {
    return new ArrayList<>(events);
  }

  /** Events whose MDC request id is {@code id}. */
  public List<ILoggingEvent> forRequest(String id) {
    return events.stream().filter(e -> id.equals(e.getMDCPropertyMap().get("request_id"))).toList();
  }

  /** Every event as a text line (message, MDC, key-values, stack trace) and as a JSON line. */
  public String rendered() {
    PatternLayoutEncoder text = new PatternLayoutEncoder();
    text.setContext(context);
    text.setPattern("%d %-5level %logger %mdc %msg %kvp%n%ex");
    text.start();
    Encoder<ILoggingEvent> json = LogFormat.encoder(context);
    StringBuilder out = new StringBuilder();
    for (ILoggingEvent e : events) {
      out.append(new String(text.encode(e), StandardCharsets.UTF_8));
      out.append(new String(json.encode(e), StandardCharsets.UTF_8));
    }
    return out.toString();
  }

  @Override
  public void close() {
    root.detachAppender(appender);
    appender.stop();
    root.setLevel(previous);
  }
}
