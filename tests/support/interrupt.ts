// Test helper: a `pulumi up` (or harness run) of a new key, killed between CreateKey and ImportKeyMaterial, as a
// crash of the provider host or the CLI would leave it. Used by every cloud's engine-level orphan tests.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import type { RunningEmulator } from '../../emulator';
import type { RunResult } from '../../harness';
import { changeOps, failedRun, type Scenario } from './scenario';

export interface InterruptOptions {
  /** How many keys the emulator holds for this cloud now. */
  keyCount: () => number;
  /** The call that follows CreateKey (`<cloud>:<Operation>`): slowed by 4 s so the kill lands before the import. */
  slowOp: string;
  /** Command lines of the processes to kill (this test process's descendants only): the provider host, the CLI. */
  kills: RegExp[];
}

/**
 * Starts `up`, kills once the cloud holds one more key and `slowOp` was asked, and waits for the run to fail: the keys
 * there were before it, and the killed run (for leak checks).
 */
export async function interruptedUp(emulator: RunningEmulator, options: InterruptOptions, up: () => Promise<unknown>): Promise<{ keysBefore: number; killed: RunResult }> {
  const keysBefore = options.keyCount();
  const asked = () => emulator.requestCounts()[options.slowOp] ?? 0;
  const askedBefore = asked();
  emulator.faults.add({ target: options.slowOp, latencyMs: 4000 });
  const dying = up();
  await waitFor(() => options.keyCount() === keysBefore + 1 && asked() > askedBefore);
  for (const pattern of options.kills) killDescendants(pattern);
  const killed = await failedRun(dying);
  emulator.faults.clear();
  return { keysBefore, killed };
}

export interface InterruptedCreateCheck {
  scene: Scenario;
  keyCount: () => number;
  /** The call that follows CreateKey, as `<cloud>:<Operation>` (see InterruptOptions). */
  slowOp: string;
  /** The cloud's CreateKey, as scene.calls names it (`CreateKey`, `create-key`). */
  createOp: string;
  /** What the stack records of the resource (undefined: nothing). */
  recorded: () => unknown;
}

/**
 * An `up` whose provider host is killed between CreateKey and the import, then the same `up` again, which must finish
 * the key the first one made: no second CreateKey, one key more than before. The key id, and both runs for leak checks.
 */
export async function upAfterInterruptedCreate(check: InterruptedCreateCheck, up: () => Promise<RunResult>): Promise<{ keyId: string; runs: RunResult[] }> {
  const { keysBefore, killed } = await interruptedUp(check.scene.emulator, { keyCount: check.keyCount, slowOp: check.slowOp, kills: [PROVIDER_HOST] }, up);
  assert.equal(check.keyCount(), keysBefore + 1, 'the interrupted create left one key');
  assert.equal(check.recorded(), undefined, 'which the stack does not know');
  let next: RunResult | undefined;
  const calls = await check.scene.calls(async () => (next = await up()));
  assert.equal(calls[check.createOp], undefined, 'no second key');
  assert.equal(check.keyCount(), keysBefore + 1);
  assert.deepEqual(changeOps(next!), ['create']);
  return { keyId: next!.steps.find((s) => s.op === 'create')!.id!, runs: [killed, next!] };
}

/** The provider host's command line (the dynamic-provider binary), on both engines. */
export const PROVIDER_HOST = /cmd\/dynamic-provider/;

/** Kills this test process's descendants whose command line matches (the provider host, the CLI), as a crash would. */
export function killDescendants(pattern: RegExp): void {
  const parentOf = (pid: number) => Number(fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ')[1]);
  const isOurs = (pid: number) => {
    for (let p = pid, hops = 0; p > 1 && hops < 20; hops++) {
      if (p === process.pid) return true;
      try {
        p = parentOf(p);
      } catch {
        return false;
      }
    }
    return false;
  };
  for (const entry of fs.readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    let args = '';
    try {
      args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
    } catch {
      continue;
    }
    if (pattern.test(args) && isOurs(pid)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}

export async function waitFor(probe: () => boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}
