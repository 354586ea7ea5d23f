// What engine.ts hands the inline runner (a request file) and what the runner hands back (a result file).

export type CliVerb = 'preview' | 'up' | 'refresh' | 'destroy';

export interface InlineRequest {
  verb: CliVerb;
  options: { refresh?: boolean; expectNoChanges?: boolean };
  /** The absolute path of the `pulumi` binary, in a folder named bin (the Automation API wants its parent). */
  pulumiBin: string;
  project: string;
  stack: string;
  /** Where the program's module lives (its @pulumi/pulumi is used) and its entry, relative to it. */
  programDir: string;
  main: string;
  /** The Automation API workspace: Pulumi.yaml and Pulumi.<stack>.yaml are written here; the provider host runs here. */
  workDir: string;
  backendUrl: string;
  /** Stack config, set before the run (`pulumi config set-all`). */
  config: Record<string, { value: string; secret: boolean }>;
  /** The CLI's environment (passphrase, PULUMI_HOME, credentials for the provider host). */
  env: Record<string, string>;
  /** `--parallel`; the CLI's default when left out. */
  parallel?: number;
  resultFile: string;
  /** `pulumi stack export --show-secrets` goes here (for state()), */
  stateFile: string;
  /** and plain `pulumi stack export` (secrets encrypted) here. */
  exportFile: string;
}

/** One step as the engine's events tell it; `op` is the engine's (create, same, update, replace, create-replacement, refresh, …). */
export interface CliStep {
  op: string;
  urn: string;
  type: string;
  id?: string;
  oldId?: string;
  keys?: string[];
  diffs?: string[];
  failed?: boolean;
  planned?: boolean;
  /** A refresh found the resource gone. */
  gone?: boolean;
  outputs?: Record<string, unknown>;
}

export interface InlineResult {
  ok: boolean;
  error?: string;
  steps: CliStep[];
  diagnostics: Array<{ severity: string; message: string; urn?: string }>;
  /** Stack outputs as the Automation API reports them. */
  outputs: Record<string, { value: unknown; secret: boolean }>;
  /** Everything the CLI printed. */
  stdout: string;
  stderr: string;
  /** How long the CLI command itself took (ms): the verb's own wall time, without this runner's start or the stack export. */
  durationMs?: number;
}
