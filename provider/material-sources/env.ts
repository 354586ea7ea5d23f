// keyMaterialSource { env: NAME }: the variable holds the key material as base64 (as keyMaterial does). Read from the
// provider's environment, i.e. that of the `pulumi` command, at the step that needs it.
import { ImportedKeyError } from '../../core/errors';
import { decodeBase64Text } from './base64';

export function readEnvSource(name: string, env: NodeJS.ProcessEnv = process.env): Buffer {
  const value = env[name];
  if (value === undefined || value.length === 0) {
    throw new ImportedKeyError('SourceUnavailable', `keyMaterialSource environment variable ${name} is ${value === undefined ? 'not set' : 'empty'} here: set it to the key material as base64 wherever \`pulumi up\` runs`);
  }
  const material = decodeBase64Text(value);
  if (!material) throw new ImportedKeyError('InvalidEncoding', `keyMaterialSource environment variable ${name} is not base64 (A–Z, a–z, 0–9, +, /, with = padding)`);
  return material;
}
