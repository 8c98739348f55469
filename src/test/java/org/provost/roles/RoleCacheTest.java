package org.provost.roles;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.provost.redis.Redis;
import org.provost.testing.Http.Response;
import org.provost.testing.ProvostServer;
import org.provost.testing.Scrape;
import org.provost.testing.TestServer;

/**
 * Role-permission reads cached in the machine's Redis (a key prefix of this class's own) and shared by two
 * instances: a second read is a cache hit, and a role written on A is in the next read on B.
 */
class RoleCacheTest {
  @RegisterExtension
  static final ProvostServer servers = ProvostServer.builder().redis().build();
  static TestServer a;
  static TestServer b;
  static String admin;

  @BeforeAll
  static void startB() {
    a = servers.instance();
    b = servers.another(Map.of());
    admin = a.adminToken();
  }

  static double hits(TestServer server) {
    return Scrape.of(server).sum("provost_cache_gets_total", "cache", "redis_roles", "result", "hit");
  }

  @Test
  void aRoleWrittenOnA_isInTheNextListingOnB_andRepeatedReadsAreHits() {
    Response first = b.http.get("/v1/roles", admin);
    assertThat(first.status()).isEqualTo(200);
    double before = hits(b);
    Response again = b.http.get("/v1/roles", admin);
    assertThat(again.json()).isEqualTo(first.json());
    assertThat(hits(b)).isGreaterThan(before);
    assertThat(a.http.get("/v1/roles", admin).json()).isEqualTo(first.json()); // A reads what B cached

    Response created = a.http.post("/v1/roles", admin, new JsonObject().put("name", "grader")
        .put("permissions", new JsonArray().add("grades.write")));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    JsonArray names = new JsonArray();
    b.http.get("/v1/roles", admin).json().getJsonArray("items").forEach(r -> names.add(((JsonObject) r).getString("name")));
    assertThat(names.getList()).contains("grader");
    assertThat(b.http.get("/v1/roles/grader", admin).status()).isEqualTo(200);
    assertThat(b.http.get("/v1/roles/no-such-role", admin).status()).isEqualTo(404);
  }
}
