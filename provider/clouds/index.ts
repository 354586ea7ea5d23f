// The registry of clouds by the name users pass as `cloud`. One line per cloud.

import { ImportedKeyError } from '../../core/errors';
import type { CloudProfile } from './adapter';
import { awsProfile } from './aws/profile';
import { alicloudProfile } from './alicloud/profile';
import { huaweicloudProfile } from './huaweicloud/profile';

const PROFILES: Record<string, CloudProfile> = {
  aws: awsProfile,
  alicloud: alicloudProfile,
  huaweicloud: huaweicloudProfile,
};

export const CLOUD_NAMES: readonly string[] = Object.keys(PROFILES);

export function findCloudProfile(cloud: string): CloudProfile | undefined {
  return Object.prototype.hasOwnProperty.call(PROFILES, cloud) ? PROFILES[cloud] : undefined;
}

/** The profile for `cloud`; throws InvalidArgument naming the supported clouds. */
export function getCloudProfile(cloud: string): CloudProfile {
  const profile = findCloudProfile(cloud);
  if (!profile) {
    throw new ImportedKeyError('InvalidArgument', `cloud: ${JSON.stringify(String(cloud).slice(0, 40))} is not supported; supported clouds: ${Object.keys(PROFILES).join(', ')}`);
  }
  return profile;
}
