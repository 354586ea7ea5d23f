// Alibaba Cloud KMS: the one factory the registry (../index.ts) loads when a resource uses cloud "alicloud". The SDK
// client, with the reply clock its User-Agent names, is shared by every step in this process with the same region,
// endpoint and credential settings (../client-cache.ts); a clock of a shared client listens as long as the process.
import type { AdapterConfig, KmsAdapter } from '../adapter';
import { environmentWith, sharedClient } from '../client-cache';
import { AlicloudKmsAdapter } from './adapter';
import { createAlicloudClient } from './client';
import { ReplyClock } from './clock';
import { resolveClientSettings } from './settings';

/** The credential chain's variables (profile file, RAM role, …) besides the access key the settings carry. */
const CREDENTIAL_PREFIXES = ['ALIBABA_CLOUD_', 'ALICLOUD_', 'ALIBABACLOUD_'];

export function createAdapter(config: AdapterConfig, env: NodeJS.ProcessEnv = process.env): KmsAdapter {
  const settings = resolveClientSettings(config, env);
  const place = { cloud: 'alicloud', region: settings.regionId, endpoint: `${settings.protocol}://${settings.endpoint}`, credentials: { settings, env: environmentWith(CREDENTIAL_PREFIXES, env) } };
  const { client, clock } = sharedClient(place, () => {
    const clock = new ReplyClock();
    try {
      return { client: createAlicloudClient(settings, clock.userAgent), clock };
    } catch (error) {
      clock.stop();
      throw error;
    }
  });
  return new AlicloudKmsAdapter(config, { client, clock, regionId: settings.regionId });
}
