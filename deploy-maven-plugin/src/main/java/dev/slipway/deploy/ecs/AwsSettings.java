package dev.slipway.deploy.ecs;

import java.net.URI;

/**
 * How to reach AWS: region (null: the SDK's region chain), named profile (null: the default credential chain), a role
 * to assume through STS (null: none), an endpoint override for every service (null: the SDK's own resolution, which
 * honours {@code AWS_ENDPOINT_URL} and {@code AWS_ENDPOINT_URL_ECS}/{@code _STS}/{@code _ELASTIC_LOAD_BALANCING_V2}/
 * {@code _IAM}/{@code _CLOUDWATCH}),
 * and the attempts the SDK's standard retry strategy makes on throttling and 5xx.
 */
public record AwsSettings(String region, String profile, String roleArn, URI endpoint, int maxAttempts) {
  public AwsSettings {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
    }
  }
}
