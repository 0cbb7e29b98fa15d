package dev.slipway.image.build;

/** The image could not be built or pushed; the message says what to change or check. */
public class ImageBuildException extends Exception {
  public ImageBuildException(String message) {
    super(message);
  }

  public ImageBuildException(String message, Throwable cause) {
    super(message, cause);
  }
}
