package org.provost.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.provost.testing.ProvostServer;

/**
 * docs/API.md and the published {@code /openapi.json} cannot drift (issue 8 item 10): the document's
 * endpoint table lists exactly the operations of the OpenAPI document, each with exactly its query
 * parameters.
 */
class ApiDocumentTest {
  private static final Pattern ROW = Pattern.compile("^\\| `(GET|POST|PUT|PATCH|DELETE) (\\S+)` \\| ([^|]*) \\|",
      Pattern.MULTILINE);
  private static final Pattern PARAMETER = Pattern.compile("`([a-z_]+)`");
  @RegisterExtension
  static final ProvostServer server = ProvostServer.builder().build();

  @Test
  void theEndpointTable_isTheOpenApiDocument() throws IOException {
    String doc = Files.readString(Path.of("docs/API.md"));
    String table = doc.substring(doc.indexOf("## Endpoints"), doc.indexOf("\n## ", doc.indexOf("## Endpoints") + 1));
    Map<String, Set<String>> documented = new TreeMap<>();
    Matcher row = ROW.matcher(table);
    while (row.find()) {
      Set<String> parameters = new TreeSet<>();
      Matcher p = PARAMETER.matcher(row.group(3));
      while (p.find()) parameters.add(p.group(1));
      assertThat(documented.put(row.group(1) + " " + row.group(2), parameters)).as("listed twice: " + row.group())
          .isNull();
    }
    Map<String, Set<String>> published = new TreeMap<>();
    JsonObject paths = server.http.get("/openapi.json", null).json().getJsonObject("paths");
    paths.forEach(e -> ((JsonObject) e.getValue()).forEach(op -> {
      if (!Set.of("get", "post", "put", "patch", "delete").contains(op.getKey())) return;
      Set<String> parameters = new TreeSet<>();
      ((JsonObject) op.getValue()).getJsonArray("parameters", new JsonArray()).forEach(p -> {
        if ("query".equals(((JsonObject) p).getString("in"))) parameters.add(((JsonObject) p).getString("name"));
      });
      published.put(op.getKey().toUpperCase() + " " + e.getKey(), parameters);
    }));
    assertThat(documented).isEqualTo(published);
  }
}
