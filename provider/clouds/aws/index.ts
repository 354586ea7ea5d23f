// AWS KMS: the one factory the registry (../index.ts) loads when a resource uses cloud "aws". Its two KMSClients (every
// call; CreateKey's own retry strategy) are shared by every step in this process with the same region, endpoint and
// AWS_* environment (the SDK's credential chain and retry settings read it): ../client-cache.ts.
import type { AdapterConfig, KmsAdapter } from '../adapter';
import { environmentWith, sharedClient, type ClientPlace } from '../client-cache';
import { AwsKmsAdapter } from './adapter';
import { createKmsClient } from './client';
import { CREATE_KEY_TRANSIENT_ATTEMPTS } from './retries';
import { resolveAwsRegion } from './settings';

export function createAdapter(config: AdapterConfig, env: NodeJS.ProcessEnv = process.env): KmsAdapter {
  const place: ClientPlace = { cloud: 'aws', region: resolveAwsRegion(config, env), endpoint: config.endpoint, credentials: environmentWith(['AWS_'], env) };
  const client = sharedClient(place, () => createKmsClient(config, {}, env));
  const createClient = sharedClient({ ...place, variant: 'create-key' }, () => createKmsClient(config, { transientAttempts: CREATE_KEY_TRANSIENT_ATTEMPTS }, env));
  return new AwsKmsAdapter(config, client, createClient);
}
