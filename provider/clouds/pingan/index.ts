// Ping An Cloud KMS: the one factory the registry (../index.ts) loads when a resource uses cloud "pingan".
// The settings (endpoint, credentials) are read here, at the adapter's creation, never by `check`.
import type { AdapterConfig, KmsAdapter } from '../adapter';
import { PinganKmsAdapter } from './adapter';
import { PinganKmsClient } from './client';
import { resolveSettings } from './settings';

export function createAdapter(config: AdapterConfig): KmsAdapter {
  return new PinganKmsAdapter(new PinganKmsClient(resolveSettings(config)));
}
