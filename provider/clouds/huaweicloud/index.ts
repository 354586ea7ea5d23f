// Huawei Cloud KMS: the one factory the registry (../index.ts) loads when a resource uses cloud "huaweicloud".
// The settings (endpoint, project, credentials) are read here, at the adapter's creation, never by `check`.
import type { AdapterConfig, KmsAdapter } from '../adapter';
import { HuaweicloudKmsAdapter } from './adapter';
import { HuaweicloudKmsClient } from './client';
import { resolveSettings } from './settings';

export function createAdapter(config: AdapterConfig): KmsAdapter {
  return new HuaweicloudKmsAdapter(new HuaweicloudKmsClient(resolveSettings(config)));
}
