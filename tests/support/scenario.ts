// Test helper: the set-up every engine scenario test shares, for one mocha `describe`.
//
//   const scene = useScenario({ cloud: 'alibaba', tmpPrefix: 'ali-', projectDir, env, config: (settings, endpoint, material) => ... });
//   const r = await scene.engine({ expiresAt }).up();     // a run of the test program with these settings
//   assert.deepEqual(scene.countsSince(before), { 'alibaba:CreateKey': 1, ... });
//
// The emulator runs for the whole describe() with its log collected; each test gets a temp dir with a state file,
// fresh material (32 random bytes) and no faults left over.

import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { EmulatorOptions, RunningEmulator } from '../../emulator';
import { DeploymentFailed, type ConfigValue, type RunResult } from '../../harness';
import { useEmulator, type EmulatorHandle } from './emulator';
import { makeEngine, storedText, type EngineKind, type StackEngine } from './engines';
import { materialForms } from './leaks';

export interface ScenarioOptions {
  /** The prefix of this cloud's request counts in the emulator: `aws`, `alibaba`, `huawei`, `pingan`. */
  cloud: string;
  /** The start of each test's temp dir name. */
  tmpPrefix: string;
  /** The emulator's options (credentials); its log goes to `scene.log`. */
  emulator?: Omit<EmulatorOptions, 'log'>;
  /** The test program (a folder with Pulumi.yaml). */
  projectDir: string;
  /** The program's environment: the cloud's credentials. */
  env: Record<string, string>;
  /** The stack config for one run: the test's settings, the emulator's URL and the material (base64, to be marked secret). */
  config(settings: Record<string, unknown>, endpoint: string, material: string): Record<string, ConfigValue>;
  /** Which engine runs the program: the real Pulumi CLI or the harness (default). See forEachEngine. */
  kind?: EngineKind;
}

export interface Scenario {
  /** The running emulator, in process (store, clock, faults, request counts). */
  readonly emulator: RunningEmulator;
  /** The same emulator through its HTTP controls. */
  readonly emu: EmulatorHandle;
  /** Every line the emulator logged in this describe(). */
  readonly log: string[];
  /** This test's temp dir. */
  readonly dir: string;
  /** This test's state file: `<dir>/state.json` unless a test points it elsewhere. */
  stateFile: string;
  /** This test's key material: 32 fresh random bytes. */
  readonly material: Buffer;
  /** The engine kind this describe() runs on. */
  readonly kind: EngineKind;
  /** An engine on the test program and the current state file, configured with `settings` and `material` (bytes, or their base64). */
  engine(settings?: Record<string, unknown>, material?: Buffer | string): StackEngine;
  /** An engine on another program (e.g. an example), with this scene's state file and environment. */
  engineFor(projectDir: string, env?: Record<string, string>, nodeArgs?: string[]): StackEngine;
  /** Sets the stack config of an existing engine, as `engine()` does. */
  configure(e: StackEngine, settings: Record<string, unknown>, material: Buffer | string): StackEngine;
  /** Runs `check` after each test, before its temp dir, state and material are cleared (e.g. a leak check). */
  beforeCleanup(check: (test: Mocha.Test | undefined) => void): void;
  /** Everything the last engine keeps on disk for the current state file (harness state file; CLI backend, workspace files). */
  storedText(): string;
  /** The calls to this cloud since the `before` snapshot of `emulator.requestCounts()`, keyed `cloud:Operation`. */
  countsSince(before: Record<string, number>): Record<string, number>;
  /** The calls to this cloud while `work` ran, keyed by the bare operation name. */
  calls(work: () => Promise<unknown>): Promise<Record<string, number>>;
  /** ISO 8601 time `days` after the emulator's now, to the whole second. */
  inFuture(days: number): string;
}

export function useScenario(options: ScenarioOptions): Scenario {
  const log: string[] = [];
  const emu = useEmulator({ ...options.emulator, log: (line) => log.push(line) });
  let dir: string | undefined;
  let stateFile: string | undefined;
  let material: Buffer | undefined;
  let last: StackEngine | undefined;
  const kind = options.kind ?? 'harness';

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), options.tmpPrefix));
    stateFile = path.join(dir, 'state.json');
    material = randomBytes(32);
    emu.running.faults.clear();
  });
  const cleanupChecks: Array<(test: Mocha.Test | undefined) => void> = [];
  afterEach(function () {
    // Checks that read the test's files (leak checks) run before they are removed.
    try {
      for (const check of cleanupChecks) check(this.currentTest);
    } finally {
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    }
    dir = stateFile = material = last = undefined;
  });

  const inTest = <T>(value: T | undefined, name: string): T => {
    if (value === undefined) throw new Error(`scene.${name} is set for each test: use it inside it()`);
    return value;
  };
  const scene: Scenario = {
    get emulator() {
      return emu.running;
    },
    emu,
    log,
    get dir() {
      return inTest(dir, 'dir');
    },
    get stateFile() {
      return inTest(stateFile, 'stateFile');
    },
    set stateFile(file: string) {
      stateFile = file;
    },
    get material() {
      return inTest(material, 'material');
    },
    kind,
    engine(settings = {}, keyMaterial = scene.material) {
      return scene.configure(scene.engineFor(options.projectDir), settings, keyMaterial);
    },
    engineFor(projectDir, env = options.env, nodeArgs) {
      return (last = makeEngine(kind, { projectDir, stateFile: scene.stateFile, env, nodeArgs }));
    },
    beforeCleanup(check) {
      cleanupChecks.push(check);
    },
    storedText() {
      return last ? storedText(last, scene.stateFile) : '';
    },
    configure(e, settings, keyMaterial) {
      const base64 = typeof keyMaterial === 'string' ? keyMaterial : keyMaterial.toString('base64');
      for (const [key, value] of Object.entries(options.config(settings, emu.url, base64))) e.setConfig(key, value);
      return e;
    },
    countsSince(before) {
      return callsBetween(before, emu.running.requestCounts(), options.cloud, false);
    },
    async calls(work) {
      const before = emu.running.requestCounts();
      await work();
      return callsBetween(before, emu.running.requestCounts(), options.cloud, true);
    },
    inFuture(days) {
      return new Date(Math.floor(emu.running.clock.now() / 1000) * 1000 + days * 86_400_000).toISOString();
    },
  };
  return scene;
}

/** Config keys in the program's namespace (settings left undefined are left out), the material among them as a secret. */
export function namespacedConfig(namespace: string, settings: Record<string, unknown>, material: string): Record<string, ConfigValue> {
  const values: Record<string, ConfigValue> = { [`${namespace}:keyMaterial`]: { secret: material } };
  for (const [k, v] of Object.entries(settings)) if (v !== undefined) values[`${namespace}:${k}`] = v as string;
  return values;
}

/** The counts that moved between two snapshots, for one cloud's operations only. */
function callsBetween(before: Record<string, number>, after: Record<string, number>, cloud: string, bare: boolean): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(after)) {
    if (k.startsWith(`${cloud}:`) && v !== (before[k] ?? 0)) out[bare ? k.slice(cloud.length + 1) : k] = v - (before[k] ?? 0);
  }
  return out;
}

/** The result of a run that had to fail (DeploymentFailed); any other outcome fails the test. */
export async function failedRun(p: Promise<unknown>): Promise<RunResult> {
  const error = await p.then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof DeploymentFailed, `expected the run to fail, got ${String(error)}`);
  return error.result;
}

/** The op of every step of a run, refresh reads included. */
export const ops = (r: RunResult) => r.steps.map((s) => s.op);

/** The op of every step of a run but its refresh reads. */
export const changeOps = (r: RunResult) => r.steps.filter((s) => !s.refresh).map((s) => s.op);

/** Whether `text` holds the material, as base64, base64url or hex (either case). */
export function materialSeenIn(text: string, material: Buffer): boolean {
  return materialForms(material).slice(1).some((form) => text.includes(form.toString('utf8')));
}
