// The emulator as its own process (the package's `kms-emulator` CLI, run from source), with a
// state file, as a user would start it next to `pulumi up`.

import { ChildProcess, spawn } from 'child_process';
import * as path from 'path';
import * as readline from 'readline';

export interface EmulatorProcess {
  url: string;
  /** Every line it logged (one per request). */
  log: string[];
  /** POST /_emulator/clock {advanceSeconds}; returns the emulator's new "now". */
  advanceClock(seconds: number): Promise<string>;
  stop(): Promise<void>;
}

export async function startEmulatorProcess(repoDir: string, stateFile: string): Promise<EmulatorProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', path.join(repoDir, 'bin', 'kms-emulator.ts'), '--port', '0', '--state', stateFile],
    { cwd: repoDir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  // Should the demo die without its finally blocks running (a crash, process.exit), the emulator goes with it.
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  const log: string[] = [];
  readline.createInterface({ input: child.stderr! }).on('line', (l) => log.push(l));
  const url = await new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).once('line', (line) => {
      const m = /^kms-emulator listening on (http:\/\/\S+)$/.exec(line);
      if (m) resolve(m[1]);
      else reject(new Error(`the emulator printed ${JSON.stringify(line)}`));
    });
    child.once('exit', (code) => reject(new Error(`the emulator exited (${code}) before it was ready: ${log.join('\n')}`)));
  });
  return {
    url,
    log,
    async advanceClock(seconds: number) {
      const res = await fetch(`${url}/_emulator/clock`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ advanceSeconds: seconds }),
      });
      if (!res.ok) throw new Error(`moving the emulator clock failed: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { now: string }).now;
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
