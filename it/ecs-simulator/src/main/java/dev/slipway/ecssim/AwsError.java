package dev.slipway.ecssim;

/** An error the simulator answers with, in the shape of the protocol the caller speaks. */
public final class AwsError extends RuntimeException {
  private final int status;
  private final String code;

  public AwsError(int status, String code, String message) {
    super(message);
    this.status = status;
    this.code = code;
  }

  public static AwsError client(String code, String message) {
    return new AwsError(400, code, message);
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }
}
