// What `check` knows about Ping An Cloud KMS offline: plain data, no adapter (the registry, ../index.ts, builds that
// through ./index.ts).
import type { WrappingAlgorithm } from '../../../core/wrapping';
import type { CloudProfile } from '../adapter';
import { ASSUMED_KEY_SPEC } from './assumptions';
import { ENV, PINGAN_REGION_PATTERN, REGION_HOSTS } from './settings';

/** One spec: imported material is 256 bits only (Ping An's import pages). */
export const KEY_SPECS = [ASSUMED_KEY_SPEC] as const;

/** GetParametersForImport's wrappingAlgorithm values (documented); RSAES_OAEP_SHA_256 first, the default. */
export const ALGORITHMS: readonly WrappingAlgorithm[] = ['RSAES_OAEP_SHA_256', 'RSAES_OAEP_SHA_1', 'RSAES_PKCS1_V1_5'];

/** wrappingKeySpec: RSA_2048 only (documented). */
export const WRAPPING_KEY_SPECS = ['RSA_2048'] as const;

/** Our name for keyUsage 0 (encrypt/decrypt), the one usage CreateCmk documents; the same name AWS and Huawei use. */
export const KEY_USAGES = ['ENCRYPT_DECRYPT'] as const;

/**
 * Key ids go into a signed form parameter: any id Ping An may give (the pages show UUIDs) passes, nothing that is no
 * id does. Deliberately loose: the real form is not published, and a stricter pattern could refuse a real key.
 */
export const KEY_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_:/-]{0,127}$/;

export const pinganProfile: CloudProfile = {
  cloud: 'pingan',
  keySpecs: KEY_SPECS,
  defaultKeySpec: ASSUMED_KEY_SPEC,
  wrappingAlgorithms(keySpec: string): readonly WrappingAlgorithm[] {
    return (KEY_SPECS as readonly string[]).includes(keySpec) ? ALGORITHMS : [];
  },
  wrappingKeySpecs(algorithm: WrappingAlgorithm): readonly string[] {
    return ALGORITHMS.includes(algorithm) ? WRAPPING_KEY_SPECS : [];
  },
  // 7–30 days (documented: ScheduleKeyDeletion, the console guide, the FAQ). No page gives a default: 30, the longest
  // (a deletion the user did not mean stays reversible longest), as AWS's and Alibaba's defaults.
  deletionWindowDays: { min: 7, max: 30, default: 30 },
  // keyMaterialExpireUnix has no documented upper bound.
  maxExpiryDays: undefined,
  keyUsages(keySpec: string): readonly string[] {
    return (KEY_SPECS as readonly string[]).includes(keySpec) ? KEY_USAGES : [];
  },
  keyIdPattern: KEY_ID_PATTERN,
  // No aliasPattern: CreateCmk's alias is documented as unique, with no pattern; Ping An judges it.
  region: {
    pattern: PINGAN_REGION_PATTERN,
    example: 'cn-shanghai',
    names: Object.keys(REGION_HOSTS),
    environment: ENV.region,
    // With an endpoint the region is not needed (the signature names none).
    endpointSuffices: true,
  },
  // No tagLimits (CreateCmk takes no tags), no project, no descriptionMaxLength (none documented).
  // A bare host gets https://; a path is kept as the prefix of "/".
  endpointForm: { bareHost: true, path: true },
  // CreateCmk's alias is unique (documented) and Ping An has no alias operation: the old key keeps it until deleted.
  aliasStaysWithKey: true,
};
