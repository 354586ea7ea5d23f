// A stack of this repo's demo project (root Pulumi.yaml → examples/local) pointed at an emulator,
// for tests of ImportedKey through the engine: the repo's sources load by package name
// (IN_REPO_NODE_ARGS) and the host gets the emulator's credentials from the environment.

import * as path from 'path';
import { ConfigValue, Engine, IN_REPO_NODE_ARGS } from '../../harness';

export interface EmulatorStackOptions {
  emulatorUrl: string;
  /** Where the stack's state file goes (e.g. a per-test temporary folder). */
  dir: string;
  /** Base64 material, set as the secret config `keyMaterial`. */
  keyMaterial: string;
  /** More config for examples/local: expiresAt, keyId, alias… (unqualified keys are the project's). */
  config?: Record<string, ConfigValue>;
  /** Another project directory (default: the repo root, whose program is examples/local). */
  projectDir?: string;
  region?: string;
}

export function emulatorStack(opts: EmulatorStackOptions): Engine {
  return new Engine({
    projectDir: opts.projectDir ?? path.resolve(__dirname, '..', '..'),
    stateFile: path.join(opts.dir, 'stack-state.json'),
    nodeArgs: IN_REPO_NODE_ARGS,
    env: { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' },
    config: {
      'aws:region': opts.region ?? 'us-east-1',
      endpoint: opts.emulatorUrl,
      keyMaterial: { secret: opts.keyMaterial },
      ...opts.config,
    },
  });
}
