package dev.slipway.perf.memory;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClassHistogramTest {
  // As GC.class_histogram prints it (JDK 17), shortened.
  static final String START = """
       num     #instances         #bytes  class name (module)
      -------------------------------------------------------
         1:         30417       25694976  [B (java.base@17.0.15)
         2:         26432         634368  java.lang.String (java.base@17.0.15)
         3:          4608         552976  java.lang.Class (java.base@17.0.15)
         4:            10            240  RetainingRegistry$Entry
      Total        61467       26882560
      """;
  static final String END = """
       num     #instances         #bytes  class name (module)
      -------------------------------------------------------
         1:         40417       107614976  [B (java.base@17.0.15)
         2:         26400         633600  java.lang.String (java.base@17.0.15)
         3:         10010         240240  RetainingRegistry$Entry
         4:          4608         552976  java.lang.Class (java.base@17.0.15)
         5:            12            480  [Ljava.lang.Object; (java.base@17.0.15)
      Total        81447       109042272
      """;

  @Test
  void growthByBytesAndByCountNamesTheClasses() {
    ClassHistogram start = ClassHistogram.parse(START);
    ClassHistogram end = ClassHistogram.parse(END);
    assertThat(start.rows()).hasSize(4);
    var bytes = end.growthSince(start, true, 10);
    assertThat(bytes).extracting(ClassHistogram.Growth::className)
        .containsExactly("byte[]", "RetainingRegistry$Entry", "java.lang.Object[]");
    assertThat(bytes.get(0).bytesDelta()).isEqualTo(107614976L - 25694976L);
    var count = end.growthSince(start, false, 1);
    assertThat(count).singleElement().satisfies(g -> {
      assertThat(g.className()).isEqualTo("byte[]");
      assertThat(g.instancesDelta()).isEqualTo(10000);
    });
    // String shrank: not a grower
    assertThat(end.growthSince(start, true, 10)).extracting(ClassHistogram.Growth::className)
        .doesNotContain("java.lang.String");
  }

  @Test
  void readableNames() {
    assertThat(ClassHistogram.readable("[[I")).isEqualTo("int[][]");
    assertThat(ClassHistogram.readable("[Ljava.util.HashMap$Node;")).isEqualTo("java.util.HashMap$Node[]");
    assertThat(ClassHistogram.readable("java.lang.String")).isEqualTo("java.lang.String");
  }
}
