package dev.slipway.image.scan;

/** The image has findings the policy does not accept (and the policy is enforced, not warn-only). */
public class ScanPolicyException extends Exception {
  public ScanPolicyException(String message) {
    super(message);
  }
}
