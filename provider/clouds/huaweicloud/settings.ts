// Where to reach Huawei KMS and as whom: arguments first, then the environment variables Huawei's own tools read
// (the SDKs read HUAWEICLOUD_SDK_*, the Terraform provider reads HW_*), so existing set-ups work unchanged.
import { ImportedKeyError } from '../../../core/errors';
import type { AdapterConfig } from '../adapter';
import { firstOf } from '../environment';
import type { Credentials } from '../../../core/signers/huaweicloud';

/** Environment variable names, in the order they are tried. */
export const ENV = {
  accessKey: ['HUAWEICLOUD_SDK_AK', 'HW_ACCESS_KEY', 'HUAWEICLOUD_ACCESS_KEY'],
  secretKey: ['HUAWEICLOUD_SDK_SK', 'HW_SECRET_KEY', 'HUAWEICLOUD_SECRET_KEY'],
  securityToken: ['HUAWEICLOUD_SDK_SECURITY_TOKEN', 'HW_SECURITY_TOKEN', 'HUAWEICLOUD_SECURITY_TOKEN'],
  projectId: ['HUAWEICLOUD_SDK_PROJECT_ID', 'HW_PROJECT_ID', 'HUAWEICLOUD_PROJECT_ID'],
  region: ['HW_REGION_NAME', 'HUAWEICLOUD_REGION', 'HUAWEICLOUD_SDK_REGION'],
} as const;

export interface HuaweicloudSettings {
  endpoint: URL;
  projectId: string;
  region?: string;
  credentials: Credentials;
}

/** Region names (cn-north-4, ap-southeast-1, la-south-2): they become the endpoint's host, so nothing else is let through. */
export const HUAWEICLOUD_REGION_PATTERN = /^[a-z]{2,}(-[a-z0-9]+)+$/;
const PROJECT_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function resolveSettings(config: AdapterConfig, env: NodeJS.ProcessEnv = process.env): HuaweicloudSettings {
  const region = config.region ?? firstOf(env, ENV.region);
  if (region !== undefined && !HUAWEICLOUD_REGION_PATTERN.test(region)) {
    throw invalid(`region must be a Huawei Cloud region name such as cn-north-4 or ap-southeast-1, not "${region}"`);
  }
  const endpoint = endpointFor(config.endpoint, region);
  const projectId = config.projectId ?? firstOf(env, ENV.projectId);
  if (projectId === undefined) {
    throw invalid(`projectId is required for huaweicloud: pass the projectId argument or set ${ENV.projectId.join(' or ')}`);
  }
  if (!PROJECT_ID.test(projectId)) throw invalid('projectId must be 1-64 letters, digits, "_" or "-" (Huawei project ids are 32 hex digits)');
  const accessKey = firstOf(env, ENV.accessKey);
  const secretKey = firstOf(env, ENV.secretKey);
  if (accessKey === undefined || secretKey === undefined) {
    throw invalid(
      `Huawei Cloud credentials are missing: set ${ENV.accessKey.join(' or ')} and ${ENV.secretKey.join(' or ')}`,
    );
  }
  const securityToken = firstOf(env, ENV.securityToken);
  return { endpoint, projectId, region, credentials: { accessKey, secretKey, ...(securityToken ? { securityToken } : {}) } };
}

/** `endpoint` wins; otherwise the public KMS endpoint of `region`. A bare host:port gets https://. */
export function endpointFor(endpoint: string | undefined, region: string | undefined): URL {
  if (endpoint !== undefined) {
    const withScheme = /^[a-z]+:\/\//i.test(endpoint) ? endpoint : `https://${endpoint}`;
    let url: URL;
    try {
      url = new URL(withScheme);
    } catch {
      throw invalid(`endpoint must be a URL such as https://kms.cn-north-4.myhuaweicloud.com, not "${endpoint}"`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid('endpoint must use http or https');
    return url;
  }
  if (region === undefined) {
    throw invalid(`region is required for huaweicloud (or endpoint): pass region or set ${ENV.region.join(' or ')}`);
  }
  return new URL(`https://kms.${region}.myhuaweicloud.com`);
}


function invalid(message: string): ImportedKeyError {
  return new ImportedKeyError('InvalidArgument', message);
}
