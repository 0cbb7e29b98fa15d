package dev.slipway.perf.load;

import java.nio.file.Path;

/**
 * How {@code perf.start=image} finds the image to run.
 *
 * @param imageJson {@code target/slipway/image.json}, written by {@code image:build}
 * @param image an image reference to run instead ({@code perf.image}); null: the one image.json names
 * @param platform the platform of a multi-platform image to run ({@code perf.imagePlatform}), e.g. linux/amd64
 */
public record ImageStart(Path imageJson, String image, String platform) {
  public static final String DEFAULT_PLATFORM = "linux/amd64";

  public ImageStart {
    platform = platform == null || platform.isBlank() ? DEFAULT_PLATFORM : platform.trim();
    image = image == null || image.isBlank() ? null : image.trim();
  }
}
