// Builds the unmodified KMSClient with its transport: the region (settings.ts), the endpoint, bounded waits, and the
// retry strategy (retries.ts), every attempt paced to AWS's request quotas (client-pacing.ts). Credentials: always the SDK's default chain (environment, profile, SSO, IMDS).

import { KMSClient } from '@aws-sdk/client-kms';
import type { AdapterConfig } from '../adapter';
import { addPacing } from './client-pacing';
import { awsRetryStrategy, type AwsRetryOptions } from './retries';
import { resolveAwsRegion } from './settings';

export type KmsClientOptions = AwsRetryOptions;

export function createKmsClient(config: AdapterConfig, options: KmsClientOptions = {}, env: NodeJS.ProcessEnv = process.env): KMSClient {
  const region = resolveAwsRegion(config, env);
  const client = new KMSClient({
    ...(region ? { region } : {}),
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    // Bounded waits so a dead endpoint fails the step instead of hanging the deployment.
    requestHandler: { connectionTimeout: 10_000, requestTimeout: 60_000 },
    retryStrategy: awsRetryStrategy(options, env),
  });
  return addPacing(client, env);
}
