package org.provost.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * JsonOut's shortcuts write what the slow path wrote: a timestamp as {@code Instant.toString()}, every
 * string escaped as {@code JsonObject.encode()} escapes it.
 */
class JsonOutTest {
  private static final SerializableString AT = JsonOut.name("at");

  @Test
  void isoInstant_isInstantToString_forEveryKindOfInstant() {
    byte[] out = new byte[40];
    long first = Instant.parse("0001-01-01T00:00:00Z").getEpochSecond();
    long last = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
    long[] seconds = {first, last, 0, -1, 1, 951_782_400L /* 2000-02-29 */, 4_107_456_000L /* 2100-02-28 */,
        -62_135_596_801L /* 0000-12-31T23:59:59 */, last + 1};
    int[] nanos = {0, 1, 999_999_999, 5_000_000, 123_000, 120_000, 100_000_000, 7, 1_000};
    for (long s : seconds) {
      for (int n : nanos) same(s, n, out);
    }
    SplittableRandom random = new SplittableRandom(13);
    for (int i = 0; i < 200_000; i++) {
      long s = random.nextLong(first - 100_000, last + 100_000);
      int n = switch (i % 4) {
        case 0 -> 0;
        case 1 -> random.nextInt(1000) * 1_000_000;
        case 2 -> random.nextInt(1_000_000) * 1_000;
        default -> random.nextInt(1_000_000_000);
      };
      same(s, n, out);
    }
  }

  private static void same(long second, int nano, byte[] out) {
    String expected = Instant.ofEpochSecond(second, nano).toString();
    int n = JsonOut.isoInstant(second, nano, out);
    long year = Instant.ofEpochSecond(second, nano).atZone(java.time.ZoneOffset.UTC).getYear();
    if (year < 1 || year > 9999) {
      assertThat(n).as(expected).isEqualTo(-1);
    } else {
      assertThat(new String(out, 0, n, StandardCharsets.US_ASCII)).isEqualTo(expected);
    }
  }

  @Test
  void timestamp_isInstantToString_outsideTheFastYearsToo() throws Exception {
    // in one body, as a page writes them: the same second again (its text is kept), others, and back
    String[] texts = {"2026-12-06T20:31:02.123456Z", "2026-12-06T20:31:02Z", "2026-12-06T20:31:02.5Z",
        "1969-12-31T23:59:59.999Z", "+10000-01-01T00:00:00Z", "+10000-01-01T00:00:00.1Z",
        "-0001-06-01T12:00:00.000000001Z", "2026-12-06T20:31:02.000001Z", "2026-12-06T20:31:03Z"};
    try (JsonOut out = new JsonOut(16)) {
      JsonGenerator g = out.generator();
      g.writeStartArray();
      for (String text : texts) {
        g.writeStartObject();
        out.timestamp(AT, Timestamp.from(Instant.parse(text)));
        g.writeEndObject();
      }
      g.writeEndArray();
      io.vertx.core.json.JsonArray written = new io.vertx.core.json.JsonArray(out.finish());
      for (int i = 0; i < texts.length; i++) {
        assertThat(written.getJsonObject(i).getString("at")).isEqualTo(Instant.parse(texts[i]).toString());
      }
    }
    try (JsonOut out = new JsonOut(16)) {
      out.generator().writeStartObject();
      out.timestamp(AT, null);
      out.generator().writeEndObject();
      assertThat(out.finish().toString()).isEqualTo("{\"at\":null}");
    }
  }

  @Test
  void body_growsPastItsSizeHint_andReadsBackTheSame() throws Exception {
    String awkward = "Zoë \"Q\" \\ O'Brien\t\u0001 </script> \u2028 日本 \uD83D\uDE00";
    JsonObject expected = new JsonObject();
    try (JsonOut out = new JsonOut(1)) {
      JsonGenerator g = out.generator();
      g.writeStartObject();
      for (int i = 0; i < 500; i++) {
        JsonOut.field(g, "k" + i, awkward + i);
        expected.put("k" + i, awkward + i);
      }
      g.writeEndObject();
      // the same JSON (Jackson writes a character beyond U+FFFF escaped or not, depending on where it falls)
      assertThat(new JsonObject(out.finish())).isEqualTo(expected);
    }
  }
}
