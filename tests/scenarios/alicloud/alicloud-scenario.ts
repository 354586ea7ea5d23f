// The Alibaba test program (./program) under useScenario: every argument from the stack config `alitest:*`,
// the credentials (also the emulator's) from its environment.
import * as path from 'node:path';
import type { EngineKind } from '../../support/engines';
import { namespacedConfig, useScenario, type Scenario } from '../../support/scenario';

export function useAlicloudScenario(tmpPrefix: string, accessKey: string, secretKey: string, kind: EngineKind = 'harness'): Scenario {
  return useScenario({
    cloud: 'alibaba',
    kind,
    tmpPrefix,
    emulator: { accessKey, secretKey },
    projectDir: path.join(__dirname, 'program'),
    env: { ALIBABA_CLOUD_ACCESS_KEY_ID: accessKey, ALIBABA_CLOUD_ACCESS_KEY_SECRET: secretKey },
    config: (settings, endpoint, material) => namespacedConfig('alitest', { endpoint, ...settings }, material),
  });
}
