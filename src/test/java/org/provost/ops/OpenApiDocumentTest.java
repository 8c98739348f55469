package org.provost.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.provost.http.Api;
import org.provost.testing.Http.Response;
import org.provost.testing.ProvostServer;

/** The published OpenAPI document and the router stay in step: every route documented, nothing extra. */
class OpenApiDocumentTest {
  @RegisterExtension
  static final ProvostServer server = ProvostServer.builder().build();

  @Test
  void everyRoutedPathIsDocumented_andEveryDocumentedPathIsRouted() {
    Response r = server.http.get("/openapi.json", null);
    assertThat(r.status()).isEqualTo(200);
    JsonObject paths = r.json().getJsonObject("paths");
    Set<String> documented = new TreeSet<>();
    paths.forEach(e -> ((JsonObject) e.getValue()).fieldNames().stream()
        .filter(m -> Set.of("get", "post", "patch", "put", "delete").contains(m))
        .forEach(m -> documented.add(m.toUpperCase() + " " + e.getKey())));
    Set<String> routed = new TreeSet<>();
    for (Api.RouteSpec spec : server.app().api().routes()) routed.add(spec.method().name() + " " + spec.path());
    assertThat(documented).isEqualTo(routed);
  }

  @Test
  void document_isOpenApi31() {
    assertThat(server.http.get("/openapi.json", null).json().getString("openapi")).isEqualTo("3.1.0");
  }
}
