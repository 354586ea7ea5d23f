// Where to reach Ping An Cloud KMS and as whom: the arguments first, then the environment (PINGAN_*). Ping An
// publishes no SDK or CLI whose variable names we could follow, so the names are ours, in the pattern of the others.
import { ImportedKeyError } from '../../../core/errors';
import type { PinganCredentials } from '../../../core/signers/pingan';
import type { AdapterConfig } from '../adapter';
import { firstOf } from '../environment';

/** Environment variable names, in the order they are tried. */
export const ENV = {
  accessKeyId: ['PINGAN_ACCESS_KEY_ID'],
  accessKeySecret: ['PINGAN_ACCESS_KEY_SECRET'],
  region: ['PINGAN_REGION'],
} as const;

/** The documented regions and their KMS hosts (kms-apis.md: "hosts kms-cn-shanghai… and kms-cn-hongkong…"). */
export const REGION_HOSTS: Readonly<Record<string, string>> = {
  'cn-shanghai': 'kms-cn-shanghai.yun.pingan.com',
  'cn-hongkong': 'kms-cn-hongkong.yun.pingan.com',
};

/** Only the documented regions: the region becomes the host, and there is no other region to reach. */
export const PINGAN_REGION_PATTERN = /^(?:cn-shanghai|cn-hongkong)$/;

export interface PinganSettings {
  endpoint: URL;
  region?: string;
  credentials: PinganCredentials;
}

export function resolveSettings(config: AdapterConfig, env: NodeJS.ProcessEnv = process.env): PinganSettings {
  const region = config.region ?? firstOf(env, ENV.region);
  const endpoint = endpointFor(config.endpoint, region);
  const accessKeyId = firstOf(env, ENV.accessKeyId);
  const accessKeySecret = firstOf(env, ENV.accessKeySecret);
  if (accessKeyId === undefined || accessKeySecret === undefined) {
    throw invalid(`Ping An Cloud credentials are missing: set ${ENV.accessKeyId.join(' or ')} and ${ENV.accessKeySecret.join(' or ')}`);
  }
  return { endpoint, ...(region !== undefined ? { region } : {}), credentials: { accessKeyId, accessKeySecret } };
}

/**
 * `endpoint` wins (a bare host gets https://; a path is kept as the prefix of "/"); otherwise the region's documented
 * host. A region outside the documented ones is refused unless an endpoint says where to go.
 */
export function endpointFor(endpoint: string | undefined, region: string | undefined): URL {
  if (endpoint !== undefined) {
    const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint) ? endpoint : `https://${endpoint}`;
    let url: URL;
    try {
      url = new URL(withScheme);
    } catch {
      throw invalid(`endpoint must be a URL such as https://kms-cn-shanghai.yun.pingan.com, not ${JSON.stringify(endpoint.slice(0, 80))}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid('endpoint must use http or https');
    if (url.username || url.password) throw invalid('endpoint must not carry a user or password (credentials come from PINGAN_ACCESS_KEY_ID / PINGAN_ACCESS_KEY_SECRET)');
    if (url.search || url.hash) throw invalid('endpoint must have no query or fragment (parameters are the request\'s own)');
    return url;
  }
  if (region === undefined) {
    throw invalid(`region is required for pingan (or endpoint): pass region or set ${ENV.region.join(' or ')}; one of ${Object.keys(REGION_HOSTS).join(', ')}`);
  }
  const host = Object.prototype.hasOwnProperty.call(REGION_HOSTS, region) ? REGION_HOSTS[region] : undefined;
  if (!host) throw invalid(`region must be one of ${Object.keys(REGION_HOSTS).join(', ')} for pingan, not ${JSON.stringify(region.slice(0, 40))}`);
  return new URL(`https://${host}`);
}


function invalid(message: string): ImportedKeyError {
  return new ImportedKeyError('InvalidArgument', message);
}
