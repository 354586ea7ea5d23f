// Test helper: a `pulumi up` (or harness run) of a new key, killed between CreateKey and ImportKeyMaterial, as a
// crash of the provider host or the CLI would leave it. Used by every cloud's engine-level orphan tests.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import type { RunningEmulator } from '../../emulator';
import type { RunResult } from '../../harness';
import { transcript } from '../../harness';
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
  const missed = killDescendants(options.kills);
  assert.deepEqual(missed, [], 'every process to kill was found');
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
  /** With a killed CLI: `pulumi cancel` on the stack (CliEngine.cancel). */
  cancel?: () => void;
}

/**
 * An `up` killed between CreateKey and the import, then `up` again, which must finish the key the first one made: no
 * second CreateKey, one key more than before. `killed`: 'host' kills the provider host (both engines); 'cli' kills the
 * `pulumi` CLI too (real CLI only), after which the stack is locked until `check.cancel()` (`pulumi cancel`), and the
 * first `up` after may stop on the pending create the killed run left (the engine's own warning); one more `up` finishes.
 * The key id, and every run for leak checks.
 */
export async function upAfterInterruptedCreate(
  check: InterruptedCreateCheck, up: () => Promise<RunResult>, killed: 'host' | 'cli' = 'host',
): Promise<{ keyId: string; runs: RunResult[] }> {
  const kills = killed === 'cli' ? [PULUMI_CLI, PROVIDER_HOST] : [PROVIDER_HOST];
  const interrupted = await interruptedUp(check.scene.emulator, { keyCount: check.keyCount, slowOp: check.slowOp, kills }, up);
  const { keysBefore } = interrupted;
  assert.equal(check.keyCount(), keysBefore + 1, 'the interrupted create left one key');
  assert.equal(check.recorded(), undefined, 'which the stack does not know');
  const runs: RunResult[] = [interrupted.killed];
  const attempt = async () => {
    const r = await up().catch((e: { result?: RunResult }) => {
      if (!e.result) throw e;
      return e.result;
    });
    runs.push(r);
    return r;
  };
  let next: RunResult | undefined;
  const calls = await check.scene.calls(async () => {
    if (killed === 'cli') {
      // What a user sees next: the stack is locked by the killed CLI, and `pulumi cancel` removes the lock.
      const locked = await attempt();
      assert.equal(locked.ok, false);
      assert.match(transcript(locked), /the stack is currently locked by 1 lock\(s\)[\s\S]*pulumi cancel/);
      assert.ok(check.cancel, 'a killed CLI needs check.cancel');
      check.cancel();
    }
    next = await attempt();
    if (!next.ok && killed === 'cli') next = await attempt();
  });
  assert.ok(next!.ok, `the up after the interrupted one succeeds: ${transcript(next!).split('\n').slice(-5).join(' / ')}`);
  assert.equal(calls[check.createOp], undefined, 'no second key');
  assert.equal(check.keyCount(), keysBefore + 1);
  const created = next!.steps.find((s) => s.op === 'create');
  if (killed === 'host') assert.deepEqual(changeOps(next!), ['create']);
  const keyId = created?.id ?? (check.recorded() as { id?: string } | undefined)?.id;
  assert.ok(keyId, 'the stack records the key');
  return { keyId, runs };
}

/** The `pulumi up` / `pulumi preview` process of the real CLI. */
export const PULUMI_CLI = /(^|\/)pulumi (up|preview)/;

/** The provider host's command line (the dynamic-provider binary), on both engines. */
export const PROVIDER_HOST = /cmd\/dynamic-provider/;

/**
 * Kills this test process's descendants whose command line matches any pattern (the provider host, the CLI), as a
 * crash would. All are found first, then killed: a host whose CLI died first is re-parented to init, is no longer
 * seen as ours, and would go on to finish the create the test means to interrupt. Returns the patterns no process matched.
 */
export function killDescendants(patterns: RegExp | readonly RegExp[]): RegExp[] {
  const wanted = Array.isArray(patterns) ? patterns : [patterns as RegExp];
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
  const doomed: number[] = [];
  const matched = new Set<RegExp>();
  for (const entry of fs.readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    let args = '';
    try {
      args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
    } catch {
      continue;
    }
    const hits = wanted.filter((pattern) => pattern.test(args));
    if (hits.length > 0 && isOurs(pid)) {
      doomed.push(pid);
      for (const pattern of hits) matched.add(pattern);
    }
  }
  for (const pid of doomed) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  return wanted.filter((pattern) => !matched.has(pattern));
}

export async function waitFor(probe: () => boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}
