package org.provost.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvReaderTest {
  private static List<CsvReader.Record> read(String text) throws IOException {
    CsvReader csv = new CsvReader(new StringReader(text));
    List<CsvReader.Record> out = new ArrayList<>();
    for (CsvReader.Record r = csv.next(); r != null; r = csv.next()) out.add(r);
    return out;
  }

  @Test
  void plainFields_withCrlfAndLf_andNoFinalNewline() throws IOException {
    List<CsvReader.Record> records = read("a,b,c\r\n1,2,3\n4,,6");
    assertThat(records).extracting(CsvReader.Record::fields)
        .containsExactly(List.of("a", "b", "c"), List.of("1", "2", "3"), List.of("4", "", "6"));
    assertThat(records).extracting(CsvReader.Record::line).containsExactly(1, 2, 3);
    assertThat(records).allSatisfy(r -> assertThat(r.error()).isNull());
  }

  @Test
  void quotedFields_holdCommasQuotesAndLineBreaks_andLineNumbersCountThem() throws IOException {
    List<CsvReader.Record> records = read("h1,h2\n\"a, b\",\"say \"\"hi\"\"\"\n\"two\r\nlines\",x\nlast,\"\"\n");
    assertThat(records.get(1).fields()).containsExactly("a, b", "say \"hi\"");
    assertThat(records.get(2).fields()).containsExactly("two\r\nlines", "x");
    assertThat(records.get(3).fields()).containsExactly("last", "");
    assertThat(records).extracting(CsvReader.Record::line).containsExactly(1, 2, 3, 5);
  }

  @Test
  void byteOrderMark_andBlankLines_areSkipped() throws IOException {
    List<CsvReader.Record> records = read("\uFEFFid,name\n\n1,x\r\n\r\n2,y\n");
    assertThat(records).extracting(CsvReader.Record::fields)
        .containsExactly(List.of("id", "name"), List.of("1", "x"), List.of("2", "y"));
    assertThat(records).extracting(CsvReader.Record::line).containsExactly(1, 3, 5);
  }

  @Test
  void strayQuote_inUnquotedField_isAnErrorOnThatRecordOnly() throws IOException {
    List<CsvReader.Record> records = read("a,b\nfo\"o,1\nok,2\n");
    assertThat(records.get(1).error()).contains("quote inside a field that is not quoted");
    assertThat(records.get(1).fields()).containsExactly("fo\"o", "1");
    assertThat(records.get(2).error()).isNull();
  }

  @Test
  void textAfterClosingQuote_isAnError() throws IOException {
    List<CsvReader.Record> records = read("\"ab\"c,d\n");
    assertThat(records.get(0).error()).contains("text follows a closing quote");
    assertThat(records.get(0).fields()).containsExactly("abc", "d");
  }

  @Test
  void unclosedQuote_isAnErrorAtTheLineWhereTheRecordStarts() throws IOException {
    List<CsvReader.Record> records = read("a,b\n1,2\n3,\"never\nclosed\n");
    assertThat(records).hasSize(3);
    assertThat(records.get(2).line()).isEqualTo(3);
    assertThat(records.get(2).error()).contains("not closed before the end of the file");
  }

  @Test
  void emptyInput_hasNoRecords() throws IOException {
    assertThat(read("")).isEmpty();
    assertThat(read("\n\r\n")).isEmpty();
  }
}
