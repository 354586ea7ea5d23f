// The shapes the harness returns and takes: steps, diagnostics, run results.

import type { Severity } from './engine-service';
import type { PropertyMap } from './properties';

export type ConfigValue = string | { secret: string };

export interface EngineOptions {
  /** The project directory: holds Pulumi.yaml; the host and the program run with it as cwd. */
  projectDir: string;
  /** The JSON state file (created on first use). */
  stateFile: string;
  stack?: string;
  /** Encrypts the state's secrets; defaults to $PULUMI_CONFIG_PASSPHRASE, then a fixed test passphrase. */
  passphrase?: string;
  /** Stack config to set (persisted in the state file, like `pulumi config set [--secret]`). */
  config?: Record<string, ConfigValue>;
  /** Extra environment for the program and the host (credentials, endpoints…). */
  env?: NodeJS.ProcessEnv;
  /** Extra node flags for the program, e.g. IN_REPO_NODE_ARGS to load this repo's sources by package name. */
  nodeArgs?: string[];
}

export type StepOp = 'create' | 'update' | 'replace' | 'delete' | 'same' | 'read';

export interface Step {
  op: StepOp;
  urn: string;
  type: string;
  name: string;
  id?: string;
  /** For a replacement: the id of the resource it replaced. */
  oldId?: string;
  /** The keys the provider said force a replacement, or the keys that changed on refresh. */
  keys?: string[];
  /** Set when the step came from the refresh phase (Read), not from the program. */
  refresh?: boolean;
  /** Planned only (preview). */
  planned?: boolean;
  failed?: boolean;
  /** Outputs after the step, secrets marked. */
  outputs?: PropertyMap;
}

export interface Diagnostic {
  severity: Severity;
  /** engine: the harness itself; provider: pulumi.log calls; host / program: their stdout and stderr. */
  source: 'engine' | 'provider' | 'host' | 'program';
  message: string;
  urn?: string;
}

export type Verb = 'preview' | 'up' | 'refresh' | 'destroy';

export interface RunResult {
  verb: Verb;
  ok: boolean;
  error?: string;
  steps: Step[];
  /** The program's exports (stack outputs), secrets marked. */
  outputs: PropertyMap;
  diagnostics: Diagnostic[];
  /** Every provider RPC, in order: e.g. "Create urn:…". */
  rpcs: string[];
}

export interface RunOptions {
  /** `--refresh`: Read every resource first. */
  refresh?: boolean;
  /** `--expect-no-changes`: fail when any step would change something. */
  expectNoChanges?: boolean;
}

/** Thrown by a verb whose run failed; carries the whole result (steps, diagnostics). */
export class DeploymentFailed extends Error {
  constructor(readonly result: RunResult) {
    super(`${result.verb} failed: ${result.error}`);
    this.name = 'DeploymentFailed';
  }
}

/** A step failed: stop the run (the engine's default, without --continue-on-error). */
export class StepFailed extends Error {}

