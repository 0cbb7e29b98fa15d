package dev.slipway.image.sbom;

import dev.slipway.common.InvalidInputException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * Maven's {@code project.build.outputTimestamp}: an ISO-8601 date-time with offset or seconds since the epoch; a
 * value of one character (or none) means reproducible timestamps are off, and the current time is used.
 */
public final class OutputTimestamp {
  private OutputTimestamp() {}

  public static Instant parse(String value, Instant now) throws InvalidInputException {
    if (value == null || value.strip().length() < 2) {
      return now.truncatedTo(ChronoUnit.SECONDS);
    }
    String v = value.strip();
    if (v.chars().allMatch(Character::isDigit)) {
      return Instant.ofEpochSecond(Long.parseLong(v));
    }
    try {
      return OffsetDateTime.parse(v).toInstant().truncatedTo(ChronoUnit.SECONDS);
    } catch (DateTimeParseException e) {
      throw new InvalidInputException("project.build.outputTimestamp = '" + value + "' is not a timestamp: "
          + "expected ISO-8601 with offset (2026-01-01T00:00:00Z) or seconds since the epoch");
    }
  }
}
