// Huawei Cloud KMS: the one factory the registry (../index.ts) loads when a resource uses cloud "huaweicloud".
// The settings (endpoint, project, credentials) are read here, at each adapter's creation, never by `check`; the client
// is shared by every step in this process with the same settings (../client-cache.ts).
import type { AdapterConfig, KmsAdapter } from '../adapter';
import { sharedClient } from '../client-cache';
import { HuaweicloudKmsAdapter } from './adapter';
import { HuaweicloudKmsClient } from './client';
import { resolveSettings } from './settings';

export function createAdapter(config: AdapterConfig): KmsAdapter {
  const settings = resolveSettings(config);
  const place = { cloud: 'huaweicloud', region: settings.region, endpoint: settings.endpoint.href, variant: settings.projectId, credentials: settings.credentials };
  return new HuaweicloudKmsAdapter(sharedClient(place, () => new HuaweicloudKmsClient(settings)));
}
