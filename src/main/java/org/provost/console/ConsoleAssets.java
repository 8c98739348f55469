package org.provost.console;

import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * The built console (Vite's output, about a megabyte), read from the jar into memory once at start. The build
 * ({@code bin/build-console}) writes {@code admin-console/files.txt}, one path per line, because a jar's
 * folders cannot be listed portably. Reading from the class path only (never the working directory) means a
 * {@code console/} source folder beside the jar is never served by mistake.
 */
final class ConsoleAssets {
  static final String ROOT = "/admin-console/";

  /** One file: its bytes, media type, strong ETag (a SHA-256 prefix) and whether its name carries a hash. */
  record Asset(Buffer body, String contentType, String etag, boolean immutable) {}

  private final Map<String, Asset> byPath;

  private ConsoleAssets(Map<String, Asset> byPath) {
    this.byPath = Map.copyOf(byPath);
  }

  /** Loads every file the manifest lists; an absent manifest gives an empty set (console not built). */
  static ConsoleAssets load() {
    Map<String, Asset> assets = new HashMap<>();
    byte[] manifest = read(ROOT + "files.txt");
    if (manifest == null) return new ConsoleAssets(assets);
    for (String line : new String(manifest, StandardCharsets.UTF_8).split("\n")) {
      String path = line.strip();
      if (path.isEmpty() || path.equals("files.txt") || path.contains("..")) continue;
      byte[] bytes = read(ROOT + path);
      if (bytes == null) throw new IllegalStateException("the console's manifest lists " + path + ", which is missing");
      // Vite names bundles assets/<name>-<hash>.<ext>: their content never changes under that name
      assets.put(path, new Asset(Buffer.buffer(bytes), contentType(path), etag(bytes), path.startsWith("assets/")));
    }
    return new ConsoleAssets(assets);
  }

  /** The file at a path relative to {@code /admin/} (no leading slash). */
  Optional<Asset> find(String path) {
    return Optional.ofNullable(byPath.get(path));
  }

  boolean built() {
    return byPath.containsKey("index.html");
  }

  private static byte[] read(String resource) {
    try (InputStream in = ConsoleAssets.class.getResourceAsStream(resource)) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String etag(byte[] bytes) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
      return "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String contentType(String path) {
    String ext = path.substring(path.lastIndexOf('.') + 1);
    return switch (ext) {
      case "html" -> "text/html; charset=utf-8";
      case "js", "mjs" -> "text/javascript; charset=utf-8";
      case "css" -> "text/css; charset=utf-8";
      case "svg" -> "image/svg+xml";
      case "png" -> "image/png";
      case "ico" -> "image/x-icon";
      case "json", "map" -> "application/json";
      case "woff2" -> "font/woff2";
      case "txt" -> "text/plain; charset=utf-8";
      default -> "application/octet-stream";
    };
  }
}
