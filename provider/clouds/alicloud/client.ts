// Builds the unmodified @alicloud/kms20160120 client: endpoint from `endpoint` or `region`,
// credentials from Alibaba's usual environment variables, then the SDK's default chain.

import { dirname } from 'node:path';
import type { AdapterConfig } from '../adapter';
import { ImportedKeyError } from '../../../core/errors';

/** Pairs of (access key id, secret, security token) variable names, newest first. */
const CREDENTIAL_VARIABLES: ReadonlyArray<readonly [string, string, string]> = [
  ['ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'ALIBABA_CLOUD_SECURITY_TOKEN'],
  // The names of the Terraform and Pulumi alicloud providers.
  ['ALICLOUD_ACCESS_KEY', 'ALICLOUD_SECRET_KEY', 'ALICLOUD_SECURITY_TOKEN'],
  // Older aliyun CLI / SDK names.
  ['ALICLOUD_ACCESS_KEY_ID', 'ALICLOUD_ACCESS_KEY_SECRET', 'ALICLOUD_SECURITY_TOKEN'],
  ['ALIBABACLOUD_ACCESS_KEY_ID', 'ALIBABACLOUD_ACCESS_KEY_SECRET', 'ALIBABACLOUD_SECURITY_TOKEN'],
];

const REGION_VARIABLES = ['ALIBABA_CLOUD_REGION_ID', 'ALICLOUD_REGION', 'ALIBABACLOUD_REGION_ID'];

export interface AlicloudClientSettings {
  /** host[:port], no scheme: what the SDK's `endpoint` takes. */
  endpoint: string;
  protocol: 'http' | 'https';
  regionId: string;
  /** undefined = let @alicloud/credentials' default chain find them (profile file, ECS RAM role, …). */
  accessKey?: { accessKeyId: string; accessKeySecret: string; securityToken?: string };
}

export function resolveRegion(config: AdapterConfig, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (config.region) return config.region;
  for (const name of REGION_VARIABLES) if (env[name]) return env[name];
  return undefined;
}

/** Pure: what the client will be built with (tests pin it without a network). */
export function resolveClientSettings(config: AdapterConfig, env: NodeJS.ProcessEnv = process.env): AlicloudClientSettings {
  const regionId = resolveRegion(config, env);
  let endpoint: string;
  let protocol: 'http' | 'https' = 'https';
  if (config.endpoint) {
    const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(config.endpoint);
    let url: URL;
    try {
      url = new URL(hasScheme ? config.endpoint : `https://${config.endpoint}`);
    } catch {
      throw new ImportedKeyError('InvalidArgument', `endpoint "${config.endpoint}" is not a URL or host[:port]`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new ImportedKeyError('InvalidArgument', `endpoint must use http or https, got "${url.protocol.replace(':', '')}"`);
    }
    if (url.pathname !== '/' || url.search) {
      throw new ImportedKeyError('InvalidArgument', `endpoint must be a scheme and host[:port] only (Alibaba RPC calls go to "/"), got "${config.endpoint}"`);
    }
    endpoint = url.host;
    protocol = url.protocol === 'http:' ? 'http' : 'https';
  } else {
    if (!regionId) {
      throw new ImportedKeyError(
        'InvalidArgument',
        `region is required for cloud "alicloud": set the resource's region, or ${REGION_VARIABLES.join(' / ')}, or give an endpoint`,
      );
    }
    if (!/^[a-z]{2}(?:-[a-z0-9]+)+$/.test(regionId)) {
      throw new ImportedKeyError('InvalidArgument', `region "${regionId}" is not an Alibaba Cloud region id such as cn-hangzhou`);
    }
    // The public KMS endpoint; the SDK 1.2.0 has no product id, so it cannot derive this itself.
    endpoint = `kms.${regionId}.aliyuncs.com`;
  }
  return { endpoint, protocol, regionId: regionId ?? 'cn-hangzhou', accessKey: accessKeyFromEnv(env) };
}

function accessKeyFromEnv(env: NodeJS.ProcessEnv): AlicloudClientSettings['accessKey'] {
  for (const [idName, secretName, tokenName] of CREDENTIAL_VARIABLES) {
    const accessKeyId = env[idName];
    const accessKeySecret = env[secretName];
    if (accessKeyId && accessKeySecret) {
      const securityToken = env[tokenName] || undefined;
      return { accessKeyId, accessKeySecret, ...(securityToken ? { securityToken } : {}) };
    }
  }
  return undefined;
}

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
