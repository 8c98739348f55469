package org.provost.error;

import java.util.List;

/**
 * The one family of service errors. Each carries a stable machine-readable code; only the HTTP layer
 * chooses the status and writes the body. A denied check is never one of these: it is a value.
 */
public sealed class ServiceException extends RuntimeException {
  private final String code;

  private ServiceException(String code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public String code() {
    return code;
  }

  /** One field of the input and what is wrong with it. */
  public record FieldError(String field, String reason) {}

  public static final class NotFound extends ServiceException {
    public NotFound(String what, Object id) {
      super("not_found", what + " " + id + " does not exist");
    }
  }

  public static final class Conflict extends ServiceException {
    private final List<FieldError> errors;

    public Conflict(String code, String message, List<FieldError> errors) {
      super(code, message);
      this.errors = List.copyOf(errors);
    }

    public Conflict(String field, String message) {
      this("conflict", message, List.of(new FieldError(field, message)));
    }

    public List<FieldError> errors() {
      return errors;
    }
  }

  public static final class InvalidInput extends ServiceException {
    private final List<FieldError> errors;

    public InvalidInput(List<FieldError> errors) {
      super("invalid_input", summary(errors));
      this.errors = List.copyOf(errors);
    }

    public InvalidInput(String field, String reason) {
      this(List.of(new FieldError(field, reason)));
    }

    /** With its own code and summary, for inputs with too many problems to list in the detail. */
    public InvalidInput(String code, String message, List<FieldError> errors) {
      super(code, message);
      this.errors = List.copyOf(errors);
    }

    public List<FieldError> errors() {
      return errors;
    }

    private static String summary(List<FieldError> errors) {
      StringBuilder sb = new StringBuilder();
      for (FieldError e : errors) {
        if (!sb.isEmpty()) sb.append("; ");
        sb.append(e.field()).append(": ").append(e.reason());
      }
      return sb.toString();
    }
  }

  public static final class Unauthenticated extends ServiceException {
    public Unauthenticated(String code, String message) {
      super(code, message);
    }
  }

  public static final class Forbidden extends ServiceException {
    public Forbidden(String code, String message) {
      super(code, message);
    }
  }

  public static final class TooManyRequests extends ServiceException {
    private final long retryAfterSeconds;

    public TooManyRequests(String message, long retryAfterSeconds) {
      super("too_many_requests", message);
      this.retryAfterSeconds = retryAfterSeconds;
    }

    public long retryAfterSeconds() {
      return retryAfterSeconds;
    }
  }

  /** The body is not in the media type the endpoint reads; names the one it expects. */
  public static final class UnsupportedMediaType extends ServiceException {
    private final String expected;

    public UnsupportedMediaType(String expected, String received) {
      super("unsupported_media_type", "send Content-Type: " + expected + " (got " + received + ")");
      this.expected = expected;
    }

    public String expected() {
      return expected;
    }
  }

  public static final class Unavailable extends ServiceException {
    public Unavailable(String code, String message) {
      super(code, message);
    }
  }
}
