package org.provost.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * JsonOut writes what JsonObject (Jackson) wrote before it: a timestamp as {@code Instant.toString()}, every
 * string escaped the same way, byte for byte.
 */
class JsonOutTest {
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
  void timestamp_isInstantToString_outsideTheFastYearsToo() {
    // in one body, as a page writes them: the same second again (its text is kept), others, and back
    String[] texts = {"2026-12-06T20:31:02.123456Z", "2026-12-06T20:31:02Z", "2026-12-06T20:31:02.5Z",
        "1969-12-31T23:59:59.999Z", "+10000-01-01T00:00:00Z", "+10000-01-01T00:00:00.1Z",
        "-0001-06-01T12:00:00.000000001Z", "2026-12-06T20:31:02.000001Z", "2026-12-06T20:31:03Z"};
    JsonOut out = new JsonOut(1);
    out.raw(JsonOut.ascii("["));
    for (int i = 0; i < texts.length; i++) {
      if (i > 0) out.raw(JsonOut.ascii(","));
      out.timestamp(Timestamp.from(Instant.parse(texts[i])));
    }
    out.raw(JsonOut.ascii(",")).timestamp(null).raw(JsonOut.ascii("]"));
    JsonArray written = new JsonArray(out.finish());
    for (int i = 0; i < texts.length; i++) {
      assertThat(written.getString(i)).isEqualTo(Instant.parse(texts[i]).toString());
    }
    assertThat(written.getValue(texts.length)).isNull();
  }

  @Test
  void strings_areEscapedAsJsonObjectEscapesThem_byteForByte() {
    StringBuilder every = new StringBuilder();
    for (char c = 0; c < 0x80; c++) every.append(c);
    String[] values = {"", every.toString(), "Zo\u00eb \"Q\" \\ O'Brien </b> \u2028 \u65e5\u672c \uFFFF",
        "\u001f\u007f\u0080\u07ff\u0800", "plain"};
    for (String value : values) {
      JsonOut out = new JsonOut(1);
      out.raw(JsonOut.ascii("{\"k\":")).string(value).raw(JsonOut.ascii(",\"n\":")).string(null)
          .raw(JsonOut.ascii(",\"b\":")).bool(true).raw(JsonOut.ascii(",\"f\":")).bool(false)
          .raw(JsonOut.ascii(",\"x\":")).number(-1234567890123L).raw(JsonOut.ascii(",\"z\":")).number(0)
          .raw(JsonOut.ascii(",\"m\":")).number(Long.MIN_VALUE).raw(JsonOut.ascii("}"));
      JsonObject expected = new JsonObject().put("k", value).putNull("n").put("b", true).put("f", false)
          .put("x", -1234567890123L).put("z", 0).put("m", Long.MIN_VALUE);
      assertThat(out.finish().toString(StandardCharsets.UTF_8)).isEqualTo(expected.encode());
    }
  }

  @Test
  void body_growsPastItsSizeHint_andReadsBackTheSame_withCharactersBeyondTheBmp() {
    String awkward = "Zo\u00eb \"Q\" \\ \t\u0001 \uD83D\uDE00 \uDBFF\uDFFF";
    JsonObject expected = new JsonObject();
    JsonOut out = new JsonOut(1);
    out.raw(JsonOut.ascii("{"));
    for (int i = 0; i < 500; i++) {
      if (i > 0) out.raw(JsonOut.ascii(","));
      out.string("k" + i).raw(JsonOut.ascii(":")).utf8((awkward + i).getBytes(StandardCharsets.UTF_8));
      expected.put("k" + i, awkward + i);
    }
    out.raw(JsonOut.ascii("}"));
    assertThat(new JsonObject(out.finish())).isEqualTo(expected);
  }
}
