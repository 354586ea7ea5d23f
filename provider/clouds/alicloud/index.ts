// Alibaba Cloud KMS: the one factory the registry (../index.ts) loads when a resource uses cloud "alicloud".
import type { AdapterConfig, KmsAdapter } from '../adapter';
import { AlicloudKmsAdapter } from './adapter';

export function createAdapter(config: AdapterConfig): KmsAdapter {
  return new AlicloudKmsAdapter(config);
}
