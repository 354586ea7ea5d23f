// AWS KMS: the one factory the registry (../index.ts) loads when a resource uses cloud "aws".
import type { AdapterConfig, KmsAdapter } from '../adapter';
import { AwsKmsAdapter } from './adapter';

export function createAdapter(config: AdapterConfig): KmsAdapter {
  return new AwsKmsAdapter(config);
}
