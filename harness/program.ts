// Runs a Pulumi program in a child process (program-runner.ts) and serves its resource
// registrations with the handlers the engine passes in.

import { fork } from 'child_process';
import * as path from 'path';
import * as readline from 'readline';
import { track } from './children';
import { PropertyMap } from './properties';

export interface Registration {
  type: string;
  name: string;
  parent: string;
  custom: boolean;
  inputs: PropertyMap;
  deleteBeforeReplace?: boolean;
  /** Resource options the engine itself enforces: no delete or replacement; delete only from the state. */
  protect?: boolean;
  retainOnDelete?: boolean;
  ignoreChanges: string[];
  additionalSecretOutputs: string[];
  importId: string;
  provider: string;
}

export interface ReadRegistration {
  type: string;
  name: string;
  parent: string;
  id: string;
  inputs: PropertyMap;
  additionalSecretOutputs: string[];
}

export interface RegistrationAnswer {
  urn: string;
  id?: string;
  outputs: PropertyMap;
}

export interface ProgramOptions {
  programDir: string;
  main: string;
  env: NodeJS.ProcessEnv;
  nodeArgs?: string[];
  onRegister(r: Registration): Promise<RegistrationAnswer>;
  onRead(r: ReadRegistration): Promise<RegistrationAnswer>;
  onOutput(stream: 'stdout' | 'stderr', line: string): void;
}

export interface ProgramResult {
  ok: boolean;
  /** The program's exports, serialized (secrets marked), when it finished. */
  exports?: PropertyMap;
  error?: string;
}

const runner = path.join(__dirname, 'program-runner.ts');

export function runProgram(opts: ProgramOptions): Promise<ProgramResult> {
  // ts-node from this repo compiles the program, as `runtime: {name: nodejs, options: {typescript: true}}` does.
  const tsNode = require.resolve('ts-node/register/transpile-only');
  const child = track(fork(runner, [], {
    cwd: opts.programDir,
    env: { ...opts.env, HARNESS_PROGRAM_MAIN: opts.main },
    execArgv: [...(opts.nodeArgs ?? []), '-r', tsNode],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  }));
  readline.createInterface({ input: child.stdout! }).on('line', (l) => opts.onOutput('stdout', l));
  readline.createInterface({ input: child.stderr! }).on('line', (l) => opts.onOutput('stderr', l));

  return new Promise((resolve) => {
    let result: ProgramResult | undefined;
    child.on('message', (m: { kind: string; seq: number; message?: string; exports?: PropertyMap } & Record<string, unknown>) => {
      if (m.kind === 'done') result = { ok: true, exports: m.exports };
      else if (m.kind === 'failed') result = { ok: false, error: m.message };
      else if (m.kind === 'register' || m.kind === 'read') {
        const handler = m.kind === 'register' ? opts.onRegister(m as unknown as Registration) : opts.onRead(m as unknown as ReadRegistration);
        handler.then(
          (a) => child.connected && child.send({ seq: m.seq, ...a }),
          (e: Error) => child.connected && child.send({ seq: m.seq, error: e.message }),
        );
      }
    });
    child.on('exit', (code, signal) => {
      resolve(result ?? { ok: false, error: `the program exited (${code ?? signal}) without finishing` });
    });
  });
}
