// Builds the unmodified @alicloud/kms20160120 client (its transport) from settings.ts's settings; without
// credentials in the environment, @alicloud/credentials' default chain finds them.

import { dirname } from 'node:path';
import type { AlicloudClientSettings } from './settings';

/** The calls the adapter makes: a structural slice of the SDK client, so tests could hand in another shape. */
export interface AlicloudKmsClient {
  createKey(request: object): Promise<{ keyMetadata?: Record<string, unknown> }>;
  describeKey(request: object): Promise<{ keyMetadata?: Record<string, unknown> }>;
  getParametersForImport(request: object): Promise<{ keyId?: string; importToken?: string; publicKey?: string; tokenExpireTime?: string }>;
  importKeyMaterial(request: object): Promise<unknown>;
  deleteKeyMaterial(request: object): Promise<unknown>;
  scheduleKeyDeletion(request: object): Promise<unknown>;
  enableKey(request: object): Promise<unknown>;
  disableKey(request: object): Promise<unknown>;
  createAlias(request: object): Promise<unknown>;
  updateAlias(request: object): Promise<unknown>;
  deleteAlias(request: object): Promise<unknown>;
  updateKeyDescription(request: object): Promise<unknown>;
  listKeys(request: object): Promise<{ totalCount?: number; keys?: { key?: Array<{ keyId?: string }> } }>;
  tagResource(request: object): Promise<unknown>;
}

/** `userAgent` is appended to the SDK's own (the adapter's reply clock recognises its replies by it). */
export function createAlicloudClient(settings: AlicloudClientSettings, userAgent?: string): AlicloudKmsClient {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const Kms = require('@alicloud/kms20160120').default as new (config: object) => AlicloudKmsClient;
  // The SDK reads its config fields directly, so a plain object is a valid Config.
  // The SDK's HTTP layer times out after 3 s by default; HSM-backed import calls can take longer.
  const base = { endpoint: settings.endpoint, protocol: settings.protocol, regionId: settings.regionId, connectTimeout: 5_000, readTimeout: 20_000, ...(userAgent ? { userAgent } : {}) };
  if (settings.accessKey) return new Kms({ ...base, ...settings.accessKey });
  return new Kms({ ...base, credential: defaultCredentialChain() });
}

/** @alicloud/credentials' default chain (env, profile file, ECS RAM role …), loaded from beside the SDK that depends on it. */
function defaultCredentialChain(): object {
  const sdkDir = dirname(require.resolve('@alicloud/kms20160120'));
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const Credential = require(require.resolve('@alicloud/credentials', { paths: [sdkDir] })).default as new () => object;
  return new Credential();
}
