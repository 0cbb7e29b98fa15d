package dev.slipway.common;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * Timestamps in the form of Maven's {@code project.build.outputTimestamp}: ISO-8601 with an offset
 * ({@code 2026-01-01T00:00:00Z}) or seconds since the epoch. Unset or one character (Maven's way of switching
 * reproducible output off) gives the caller's fallback.
 */
public final class OutputTimestamp {
  private OutputTimestamp() {}

  /**
   * Parses {@code value}; {@code parameter} names where it came from for the error message.
   *
   * @param fallback what an unset or one-character value means (the epoch for images, now for SBOMs)
   */
  public static Instant parse(String value, String parameter, Instant fallback) throws InvalidInputException {
    if (value == null || value.strip().length() < 2) {
      return fallback.truncatedTo(ChronoUnit.SECONDS);
    }
    String v = value.strip();
    if (v.chars().allMatch(Character::isDigit)) {
      return Instant.ofEpochSecond(Long.parseLong(v));
    }
    try {
      return OffsetDateTime.parse(v).toInstant().truncatedTo(ChronoUnit.SECONDS);
    } catch (DateTimeParseException e) {
      throw new InvalidInputException(parameter + " = '" + value + "' is not a timestamp: "
          + "expected ISO-8601 with offset (2026-01-01T00:00:00Z) or seconds since the epoch");
    }
  }
}
