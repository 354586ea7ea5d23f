// The AWS test program (fixtures/aws-key) under useScenario: it reads `args` (JSON, all but the material) and
// `material` (secret, base64) from its stack config, and the emulator's credentials from its environment. A setting
// `previous` (earlier materials, base64) goes to its own secret config value, never into the plain `args`.
import * as path from 'node:path';
import { EMULATOR_CREDENTIALS } from '../../support/emulator';
import type { EngineKind } from '../../support/engines';
import { useScenario, type Scenario } from '../../support/scenario';

export function useAwsKeyScenario(tmpPrefix: string, kind: EngineKind = 'harness'): Scenario {
  return useScenario({
    cloud: 'aws',
    kind,
    tmpPrefix,
    projectDir: path.join(__dirname, 'program'),
    env: { AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey, AWS_REGION: 'us-east-1' },
    config: ({ previous, ...settings }, endpoint, material) => ({
      args: JSON.stringify({ endpoint, ...settings }),
      material: { secret: material },
      ...(previous !== undefined ? { previous: { secret: JSON.stringify(previous) } } : {}),
    }),
  });
}
