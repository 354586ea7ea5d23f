// keyMaterialSource: where the provider fetches the key material at the step that needs it, instead of the state.
// One interface for every kind; plaintext sources (file, env, command) yield the bytes, which the provider wraps with
// core/wrapping as it does keyMaterial; a PKCS#11 source never yields them: the HSM wraps (HsmMaterial).
import { HsmMaterial } from './hsm-material';
import { readCommandSource } from './command';
import { readEnvSource } from './env';
import { readFileSource } from './file';
import { COMMAND_TIMEOUT_DEFAULT_MS, describeMaterialSource, type MaterialSourceSpec } from './spec';

export { checkMaterialSource, describeMaterialSource, sourceKind, type MaterialSourceSpec, type SourceKind } from './spec';
export { HsmMaterial } from './hsm-material';

/** The material a step works with: its bytes (keyMaterial and the plaintext sources) or an HSM's key. */
export type Material = Buffer | HsmMaterial;

export interface MaterialSource {
  describe(): string;
  /**
   * The material: the bytes of a plaintext source, or a handle on the HSM's key (opened: the key found, `algorithm` possible,
   * and `recorded` digests compared inside the HSM).
   */
  open(algorithm: string | undefined, recorded: readonly (string | undefined)[]): Promise<Material>;
}

export function materialSource(spec: MaterialSourceSpec, env: NodeJS.ProcessEnv = process.env): MaterialSource {
  const describe = () => describeMaterialSource(spec);
  if ('file' in spec) return { describe, open: () => readFileSource(spec.file) };
  if ('env' in spec) return { describe, open: async () => readEnvSource(spec.env, env) };
  if ('command' in spec) return { describe, open: () => readCommandSource(spec.command, (spec.timeoutSeconds ?? COMMAND_TIMEOUT_DEFAULT_MS / 1000) * 1000) };
  return { describe, open: (algorithm, recorded) => HsmMaterial.open(spec.pkcs11, algorithm, recorded) };
}
