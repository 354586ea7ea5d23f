// One scenario, two engines: `forEachEngine((kind) => describe(`... (${kind})`, ...))` registers the scenario once
// for the real Pulumi CLI and once for the engine-protocol harness. Where the two disagree, the CLI is right.
//
// Without a CLI (none built by `npm run pulumi-cli`, none on PATH) the CLI half is skipped and the run ends by
// saying so (reporter.js); under CI (CI=true) a missing CLI is a failure, never a skip.

import * as fs from 'node:fs';
import { Engine, type EngineOptions, type RunOptions, type RunResult, type StackState, type ResourceState, type ConfigValue } from '../../harness';
import { CliEngine } from '../../scripts/pulumi-cli/engine';
import { findPulumiCli } from '../../scripts/pulumi-cli/locate';

export type EngineKind = 'pulumi CLI' | 'harness';

/** What a scenario drives: the harness's Engine or the real CLI, through the same calls. */
export interface StackEngine {
  readonly project: string;
  readonly stack: string;
  setConfig(key: string, value: ConfigValue): void;
  state(): StackState;
  resource(name: string, type?: string): ResourceState | undefined;
  preview(opts?: RunOptions): Promise<RunResult>;
  up(opts?: RunOptions & { previewFirst?: boolean }): Promise<RunResult>;
  refresh(opts?: RunOptions): Promise<RunResult>;
  destroy(): Promise<RunResult>;
}

/** The real-engine scenarios that were skipped for want of a CLI (reporter.js says so at the end). */
export const skippedForNoCli: string[] = [];
(globalThis as { __importedKeySkippedForNoCli?: string[] }).__importedKeySkippedForNoCli = skippedForNoCli;

export function cliAvailable(): boolean {
  return findPulumiCli() !== undefined;
}

/** Registers `define` for each engine: the CLI first (the test bed), then the harness (its fallback). */
export function forEachEngine(define: (kind: EngineKind) => void, kinds: EngineKind[] = ['pulumi CLI', 'harness']): void {
  for (const kind of kinds) {
    if (kind === 'pulumi CLI' && !cliAvailable()) {
      if (process.env.CI) {
        describe('real Pulumi CLI', () => {
          it('is built (CI never skips the real-engine scenarios)', () => {
            throw new Error('no Pulumi CLI: `npm run pulumi-cli` must run before the tests in CI (.ci/run does)');
          });
        });
      } else {
        describe.skip(`(${kind}: not built — run \`npm run pulumi-cli\`)`, () => define(kind));
        skippedForNoCli.push(String(define.name || 'scenario'));
      }
      continue;
    }
    define(kind);
  }
}

/** An engine of this kind on a project and a state location. */
export function makeEngine(kind: EngineKind, opts: EngineOptions): StackEngine {
  return kind === 'pulumi CLI' ? new CliEngine(opts) : new Engine(opts);
}

/** The files the engine keeps for a stack: the harness's state file, or what the CLI keeps (CliEngine.storedFiles). */
export function storedFiles(e: StackEngine, stateFile: string): string[] {
  if (e instanceof CliEngine) return e.storedFiles();
  return fs.existsSync(stateFile) ? [stateFile] : [];
}

/** The same files' contents, as one text. */
export function storedText(e: StackEngine, stateFile: string): string {
  return storedFiles(e, stateFile).map((f) => fs.readFileSync(f, 'utf8')).join('\n');
}
