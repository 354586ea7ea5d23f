// Builds the unmodified KMSClient. Region: the argument (or the stack's aws:region, which the provider
// passes in the same field), then AWS_REGION / AWS_DEFAULT_REGION, then the SDK's own chain (profile).
// Credentials: always the SDK's default chain (environment, profile, SSO, IMDS) — never arguments.

import { KMSClient } from '@aws-sdk/client-kms';
import type { AdapterConfig } from '../adapter';

export function resolveAwsRegion(config: AdapterConfig, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return config.region || env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined;
}

export function createKmsClient(config: AdapterConfig): KMSClient {
  const region = resolveAwsRegion(config);
  return new KMSClient({
    ...(region ? { region } : {}),
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    // Bounded waits so a dead endpoint fails the step instead of hanging the deployment.
    requestHandler: { connectionTimeout: 10_000, requestTimeout: 60_000 },
  });
}
