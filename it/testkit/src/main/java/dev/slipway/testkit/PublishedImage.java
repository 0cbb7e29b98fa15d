package dev.slipway.testkit;

/**
 * An image the kit pushed to a registry: {@code repository} is {@code host:port/name}, {@code digest} that of its
 * index (or manifest), so {@link #pinned()} names exactly these bytes.
 */
public record PublishedImage(String repository, String tag, String digest) {
  /** {@code repository:tag}. */
  public String reference() {
    return repository + ":" + tag;
  }

  /** {@code repository@digest}. */
  public String pinned() {
    return repository + "@" + digest;
  }
}
