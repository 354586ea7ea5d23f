// Where to reach Alibaba Cloud KMS and as whom: the endpoint from `endpoint` or `region` (argument, then Alibaba's
// region variables), credentials from Alibaba's usual environment variables (else the SDK's default chain, client.ts).
// Pure: what the client will be built with (tests pin it without a network).
//
// Kept here although `check` judges region and endpoint too: the region and endpoint become the host every signed
// request goes to, so a value that would make another host (or none) is refused before anything is sent.

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

/** The variables resolveRegion reads after the argument, in its order (the profile gives `check` the same list). */
export const ALICLOUD_REGION_VARIABLES = ['ALIBABA_CLOUD_REGION_ID', 'ALICLOUD_REGION', 'ALIBABACLOUD_REGION_ID'] as const;

/** Region ids as Alibaba spells them (cn-hangzhou, ap-southeast-1, cn-shanghai-finance-1): this file's test, and `check`'s. */
export const ALICLOUD_REGION_PATTERN = /^[a-z]{2}(?:-[a-z0-9]+)+$/;

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
  for (const name of ALICLOUD_REGION_VARIABLES) if (env[name]) return env[name];
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
        `region is required for cloud "alicloud": set the resource's region, or ${ALICLOUD_REGION_VARIABLES.join(' / ')}, or give an endpoint`,
      );
    }
    if (!ALICLOUD_REGION_PATTERN.test(regionId)) {
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
