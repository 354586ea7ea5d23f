// The registry of clouds by the name users pass as `cloud`: each cloud's profile (plain data, for `check`), and its
// adapter, built through the cloud's own ./<cloud>/index.ts factory — loaded only when a resource uses that cloud,
// so `check` (offline) and the other clouds never load a cloud's SDK (@aws-sdk/client-kms and @alicloud/kms20160120
// are heavy) nor read its credentials. One line per cloud in each table.

import { ImportedKeyError } from '../../core/errors';
import type { AdapterConfig, CloudProfile, KmsAdapter } from './adapter';
import { awsProfile } from './aws/profile';
import { alicloudProfile } from './alicloud/profile';
import { huaweicloudProfile } from './huaweicloud/profile';
import { pinganProfile } from './pingan/profile';

const PROFILES: Record<string, CloudProfile> = {
  aws: awsProfile,
  alicloud: alicloudProfile,
  huaweicloud: huaweicloudProfile,
  pingan: pinganProfile,
};

/** What every provider/clouds/<cloud>/index.ts exports: the one factory shape. */
interface CloudModule {
  createAdapter(config: AdapterConfig): KmsAdapter;
}

/** Each cloud's module, required on first use (Node caches it after). */
const MODULES: Record<string, () => CloudModule> = {
  /* eslint-disable @typescript-eslint/no-var-requires */
  aws: () => require('./aws') as CloudModule,
  alicloud: () => require('./alicloud') as CloudModule,
  huaweicloud: () => require('./huaweicloud') as CloudModule,
  pingan: () => require('./pingan') as CloudModule,
  /* eslint-enable @typescript-eslint/no-var-requires */
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

/** An adapter for `cloud` (loading that cloud's module now, the first time); throws InvalidArgument as getCloudProfile. */
export function createAdapter(cloud: string, config: AdapterConfig): KmsAdapter {
  getCloudProfile(cloud);
  return MODULES[cloud]().createAdapter(config);
}
