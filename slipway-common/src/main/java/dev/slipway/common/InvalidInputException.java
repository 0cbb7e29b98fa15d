package dev.slipway.common;

/**
 * A configuration value or an input file that Slipway cannot use. The message names the parameter or the file
 * (and line or JSON pointer) and says what was expected, so a person can fix it without reading code.
 */
public class InvalidInputException extends Exception {
  public InvalidInputException(String message) {
    super(message);
  }

  public InvalidInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
