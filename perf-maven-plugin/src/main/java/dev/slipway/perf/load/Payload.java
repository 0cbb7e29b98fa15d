package dev.slipway.perf.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Artillery's CSV {@code payload}: rows of a CSV file (read with Jackson's CSV parser, so quoted fields with commas
 * and line breaks are one field), each column bound to a name in {@code fields}. Every virtual user gets one row —
 * at random ({@code order: random}, the default) or in turn ({@code order: sequence}) — whose fields become its
 * variables; with {@code loadAll} and {@code name}, all rows are one list variable instead (for {@code loop over}).
 */
final class Payload {
  private final List<String> fields;
  private final List<ObjectNode> rows;
  private final boolean sequence;
  private final String loadAllName;
  private final AtomicLong next = new AtomicLong();

  private Payload(List<String> fields, List<ObjectNode> rows, boolean sequence, String loadAllName) {
    this.fields = List.copyOf(fields);
    this.rows = List.copyOf(rows);
    this.sequence = sequence;
    this.loadAllName = loadAllName;
  }

  /**
   * Reads {@code file}. {@code fields} may be empty when {@code skipHeader}: the header row names the columns then.
   *
   * @throws IOException when the file cannot be read or parsed; the message names the line
   */
  static Payload read(Path file, List<String> fields, boolean skipHeader, char delimiter, boolean skipEmptyLines,
      boolean sequence, String loadAllName) throws IOException {
    CsvMapper mapper = new CsvMapper();
    mapper.enable(CsvParser.Feature.WRAP_AS_ARRAY);
    if (skipEmptyLines) {
      mapper.enable(CsvParser.Feature.SKIP_EMPTY_LINES);
    }
    CsvSchema schema = CsvSchema.emptySchema().withColumnSeparator(delimiter);
    List<String> names = new ArrayList<>(fields);
    List<ObjectNode> rows = new ArrayList<>();
    try (MappingIterator<List<String>> it = mapper.readerForListOf(String.class).with(schema).readValues(
        file.toFile())) {
      boolean header = skipHeader;
      while (it.hasNextValue()) {
        List<String> row = it.nextValue();
        if (header) {
          header = false;
          if (names.isEmpty()) {
            row.forEach(h -> names.add(h.strip()));
          }
          continue;
        }
        if (row.size() == 1 && row.get(0).isEmpty()) {
          continue;
        }
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        for (int i = 0; i < row.size() && i < names.size(); i++) {
          o.set(names.get(i), TextNode.valueOf(row.get(i)));
        }
        rows.add(o);
      }
    } catch (RuntimeException e) {
      throw new IOException(e.getMessage(), e);
    }
    return new Payload(names, rows, sequence, loadAllName);
  }

  List<String> fields() {
    return loadAllName != null ? List.of(loadAllName) : fields;
  }

  int size() {
    return rows.size();
  }

  /** Binds this payload's variables for a new virtual user. */
  void bind(Map<String, JsonNode> vars, SplittableRandom random) {
    if (rows.isEmpty()) {
      return;
    }
    if (loadAllName != null) {
      ArrayNode all = JsonNodeFactory.instance.arrayNode(rows.size());
      rows.forEach(all::add);
      vars.put(loadAllName, all);
      return;
    }
    int i = sequence ? (int) (next.getAndIncrement() % rows.size()) : random.nextInt(rows.size());
    rows.get(i).fields().forEachRemaining(e -> vars.put(e.getKey(), e.getValue()));
  }
}
