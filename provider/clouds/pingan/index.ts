// Ping An Cloud KMS: the one factory the registry (../index.ts) loads when a resource uses cloud "pingan".
// The settings (endpoint, credentials) are read here, at each adapter's creation, never by `check`; the client is
// shared by every step in this process with the same settings (../client-cache.ts).
import type { AdapterConfig, KmsAdapter } from '../adapter';
import { sharedClient } from '../client-cache';
import { PinganKmsAdapter } from './adapter';
import { PinganKmsClient } from './client';
import { resolveSettings } from './settings';

export function createAdapter(config: AdapterConfig): KmsAdapter {
  const settings = resolveSettings(config);
  const place = { cloud: 'pingan', region: settings.region, endpoint: settings.endpoint.href, credentials: settings.credentials };
  return new PinganKmsAdapter(sharedClient(place, () => new PinganKmsClient(settings)));
}
