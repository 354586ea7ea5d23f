// Which engine runs the demo: the real Pulumi CLI when one is found (built by `npm run pulumi-cli`, or `pulumi` on
// PATH), else the engine-protocol harness. IMPORTED_KEY_DEMO_ENGINE=cli|harness forces one; `cli` without a CLI
// is an error, not a quiet fallback.

import { cachedCliDir, findPulumiCli } from '../pulumi-cli/locate';
import type { StackDriver } from './driver';
import { HarnessDriver } from './harness';
import { CliDriver } from './pulumi-cli';

export const ENGINE_VARIABLE = 'IMPORTED_KEY_DEMO_ENGINE';

export interface ChosenDriver {
  driver: StackDriver;
  /** Why this engine: forced, found, or the fallback and how to get the real CLI. */
  reason: string;
}

export class EngineUnavailable extends Error {}

export function chooseDriver(repoDir: string, workDir: string, env: NodeJS.ProcessEnv, wanted = process.env[ENGINE_VARIABLE]): ChosenDriver {
  const choice = (wanted ?? '').trim().toLowerCase();
  if (choice && choice !== 'cli' && choice !== 'harness' && choice !== 'auto') {
    throw new EngineUnavailable(`${ENGINE_VARIABLE}=${wanted}: expected cli, harness or auto`);
  }
  const howToBuild = `\`npm run pulumi-cli\` builds it (into ${cachedCliDir()}), or put \`pulumi\` on PATH`;
  if (choice === 'harness') {
    return { driver: new HarnessDriver(repoDir, workDir, env), reason: `forced by ${ENGINE_VARIABLE}=harness` };
  }
  const cli = findPulumiCli();
  if (choice === 'cli') {
    if (!cli) throw new EngineUnavailable(`${ENGINE_VARIABLE}=cli, but there is no Pulumi CLI: ${howToBuild}`);
    return { driver: new CliDriver(repoDir, workDir, env, cli), reason: `forced by ${ENGINE_VARIABLE}=cli` };
  }
  if (cli) return { driver: new CliDriver(repoDir, workDir, env, cli), reason: `found; ${ENGINE_VARIABLE}=harness runs the harness instead` };
  return {
    driver: new HarnessDriver(repoDir, workDir, env),
    reason: `no Pulumi CLI found, so the harness stands in; for the real CLI: ${howToBuild}`,
  };
}
