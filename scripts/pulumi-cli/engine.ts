// The real Pulumi CLI behind the harness's Engine interface, so one scenario runs on both engines:
// `new CliEngine({projectDir, stateFile, env}).up()` runs `pulumi up` with a file backend and passphrase secrets.
//
// Each verb is one child process (inline-runner.ts) that runs the project's program as an Automation API inline
// program and the CLI against it, then exports the stack. Everything for one stack lives beside `stateFile`, in
// `<stateFile>.pulumi/`: backend/ (the file backend), work/ (the workspace: Pulumi.yaml, Pulumi.<stack>.yaml; the
// provider host's cwd), home/ (PULUMI_HOME), export.json (the last `stack export --show-secrets`, for state()) and
// stack-export.json (the last plain `stack export`, what a user would see).

import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DeploymentFailed, type ConfigValue, type Diagnostic, type EngineOptions, type RunOptions, type RunResult, type Step, type StepOp, type Verb } from '../../harness/types';
import { isObject, SECRET_SIG, SPECIAL_SIG_KEY, type PropertyMap, type PropertyValue } from '../../harness/properties';
import type { ResourceState, StackState } from '../../harness/state';
import { readProjectFile } from '../../harness/project';
import { findPulumiCli, type PulumiCli } from './locate';
import type { CliStep, InlineRequest, InlineResult } from './protocol';

export interface CliEngineOptions extends EngineOptions {
  /** The CLI to use; default: findPulumiCli(). */
  cli?: PulumiCli;
  /** `--parallel`; default: the CLI's own (as a user runs it). */
  parallel?: number;
}

export interface CliRunOptions extends RunOptions {
  /** For `up`: run the preview pass first, as `pulumi up --yes` does (default: `--skip-preview`, like the harness). */
  previewFirst?: boolean;
}

/** What a run through the CLI adds to the harness's RunResult. */
export interface CliRunResult extends RunResult {
  /** Everything the CLI printed (stdout and stderr). */
  cliOutput: string;
  /** The CLI command's own wall time (ms), without the runner's start, config and stack export around it. */
  durationMs?: number;
}

const RUNNER = path.join(__dirname, 'inline-runner.ts');
const DEFAULT_PASSPHRASE = 'harness-test-passphrase';

export class CliEngine {
  readonly kind = 'pulumi CLI';
  readonly project: string;
  readonly stack: string;
  readonly cli: PulumiCli;
  /** Where the backend, workspace and exports of this stack live. */
  readonly root: string;
  private readonly main: string;
  private readonly programDir: string;
  private readonly pendingConfig: Record<string, { value: string; secret: boolean }> = {};

  constructor(private readonly opts: CliEngineOptions) {
    const cli = opts.cli ?? findPulumiCli();
    if (!cli) throw new Error('no Pulumi CLI: run `npm run pulumi-cli` (builds it from its Go module) or put `pulumi` on PATH');
    this.cli = cli;
    const projectFile = readProjectFile(opts.projectDir);
    this.project = projectFile.name;
    this.programDir = opts.projectDir;
    this.main = projectFile.main;
    this.stack = opts.stack ?? 'dev';
    this.root = `${opts.stateFile}.pulumi`;
    for (const dir of ['backend', 'work', 'home']) fs.mkdirSync(path.join(this.root, dir), { recursive: true });
    // The provider host resolves @pulumi/pulumi from its cwd (the workspace), as it would in a user's project.
    const modules = path.join(this.root, 'work', 'node_modules');
    if (!fs.existsSync(modules)) fs.symlinkSync(nodeModulesOf(opts.projectDir), modules, 'dir');
    if (opts.config) for (const [k, v] of Object.entries(opts.config)) this.setConfig(k, v);
  }

  /** The file backend's folder: what `pulumi` keeps on disk for this stack. */
  get backendDir(): string {
    return path.join(this.root, 'backend');
  }

  /**
   * The files the CLI keeps for this stack, as a user's machine would hold them: the file backend, PULUMI_HOME, the
   * workspace's Pulumi*.yaml and the plain `stack export` (secrets encrypted). Not export.json, which is decrypted on
   * purpose (state()). What the leak checks and the demo search for the material.
   */
  storedFiles(): string[] {
    const files: string[] = [];
    const walk = (dir: string) => {
      if (!fs.existsSync(dir)) return;
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(file);
        else if (entry.isFile()) files.push(file);
      }
    };
    walk(this.backendDir);
    walk(path.join(this.root, 'home'));
    const work = path.join(this.root, 'work');
    for (const name of fs.readdirSync(work)) if (name.endsWith('.yaml')) files.push(path.join(work, name));
    const plainExport = path.join(this.root, 'stack-export.json');
    if (fs.existsSync(plainExport)) files.push(plainExport);
    return files;
  }

  /** `pulumi config set [--secret] key value`, applied before the next run. */
  setConfig(key: string, value: ConfigValue): void {
    if (!key.includes(':')) key = `${this.project}:${key}`;
    this.pendingConfig[key] = typeof value === 'string' ? { value, secret: false } : { value: value.secret, secret: true };
  }

  /** The stack's state as of the last run (`pulumi stack export --show-secrets`), secrets marked as the harness marks them. */
  state(): StackState {
    const file = path.join(this.root, 'export.json');
    const resources: ResourceState[] = [];
    if (fs.existsSync(file)) {
      const exported = JSON.parse(fs.readFileSync(file, 'utf8')) as { deployment?: { resources?: ExportedResource[] } };
      for (const r of exported.deployment?.resources ?? []) {
        if (r.type === 'pulumi:pulumi:Stack' || r.type.startsWith('pulumi:providers:')) continue;
        resources.push(toResourceState(r));
      }
    }
    return { version: 1, project: this.project, stack: this.stack, config: {}, resources };
  }

  resource(name: string, type?: string): ResourceState | undefined {
    return this.state().resources.find((r) => r.name === name && !r.pendingDelete && (!type || r.type === type));
  }

  preview(opts: RunOptions = {}): Promise<CliRunResult> {
    return this.run('preview', opts);
  }

  async up(opts: CliRunOptions = {}): Promise<CliRunResult> {
    if (!opts.previewFirst) return this.run('up', opts);
    const preview = await this.run('preview', { refresh: opts.refresh });
    const up = await this.run('up', opts);
    return { ...up, diagnostics: [...preview.diagnostics, ...up.diagnostics], cliOutput: preview.cliOutput + up.cliOutput };
  }

  refresh(opts: RunOptions = {}): Promise<CliRunResult> {
    return this.run('refresh', opts);
  }

  destroy(): Promise<CliRunResult> {
    return this.run('destroy', {});
  }

  /** `pulumi cancel --yes`: what a user runs after a killed `pulumi up` left the stack locked. Returns what it printed. */
  cancel(): string {
    const r = spawnSync(this.cli.bin, ['cancel', '--yes', '--stack', this.stack, '--non-interactive'], {
      cwd: path.join(this.root, 'work'),
      env: this.cliEnv(),
      encoding: 'utf8',
      timeout: 60_000,
    });
    if (r.status !== 0) throw new Error(`pulumi cancel failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
    return `${r.stdout}${r.stderr}`;
  }

  private async run(verb: Verb, opts: RunOptions): Promise<CliRunResult> {
    const resultFile = path.join(this.root, `result-${process.pid}.json`);
    const requestFile = path.join(this.root, `request-${process.pid}.json`);
    const request: InlineRequest = {
      verb,
      options: { refresh: opts.refresh, expectNoChanges: opts.expectNoChanges },
      pulumiBin: this.cli.bin,
      project: this.project,
      stack: this.stack,
      programDir: this.programDir,
      main: this.main,
      workDir: path.join(this.root, 'work'),
      backendUrl: `file://${this.backendDir}`,
      config: { ...this.pendingConfig },
      env: this.cliEnv(),
      parallel: this.opts.parallel,
      resultFile,
      stateFile: path.join(this.root, 'export.json'),
      exportFile: path.join(this.root, 'stack-export.json'),
    };
    fs.rmSync(resultFile, { force: true });
    // The request holds secret config on its way to `pulumi config set-all` (which encrypts it): readable by
    // the owner only, and removed as soon as the runner has read it.
    fs.writeFileSync(requestFile, JSON.stringify(request), { mode: 0o600 });
    let runner: { code: number; output: string };
    try {
      runner = await this.runInlineRunner(requestFile, request.workDir);
    } finally {
      fs.rmSync(requestFile, { force: true });
    }
    if (!fs.existsSync(resultFile)) throw new Error(`the inline runner failed (exit ${runner.code}):\n${runner.output}`);
    const raw = JSON.parse(fs.readFileSync(resultFile, 'utf8')) as InlineResult;
    fs.rmSync(resultFile, { force: true });
    for (const key of Object.keys(request.config)) delete this.pendingConfig[key];
    const result = toRunResult(verb, raw, runner.output);
    if (!result.ok) throw new DeploymentFailed(result);
    return result;
  }

  private cliEnv(): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...process.env, ...this.opts.env })) {
      if (v !== undefined && !k.startsWith('PULUMI_NODEJS_') && k !== 'NODE_OPTIONS' && k !== 'TS_NODE_PROJECT') env[k] = v;
    }
    return {
      ...env,
      PATH: `${this.cli.binDir}${path.delimiter}${env.PATH ?? ''}`,
      PULUMI_HOME: path.join(this.root, 'home'),
      PULUMI_CONFIG_PASSPHRASE: this.opts.passphrase ?? process.env.PULUMI_CONFIG_PASSPHRASE ?? DEFAULT_PASSPHRASE,
      PULUMI_SKIP_UPDATE_CHECK: 'true',
      PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: 'true',
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: 'true',
    };
  }

  private runInlineRunner(requestFile: string, cwd: string): Promise<{ code: number; output: string }> {
    const nodeArgs = ['-r', 'ts-node/register/transpile-only', ...(this.opts.nodeArgs ?? []), RUNNER, requestFile];
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, nodeArgs, {
        cwd,
        env: { ...this.cliEnv(), TS_NODE_PROJECT: path.join(__dirname, '..', '..', 'tsconfig.json') },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? 1, output }));
    });
  }
}

/** The node_modules folder the project's program resolves packages from. */
function nodeModulesOf(dir: string): string {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    const candidate = path.join(d, 'node_modules');
    if (fs.existsSync(path.join(candidate, '@pulumi', 'pulumi'))) return candidate;
    if (path.dirname(d) === d) throw new Error(`no node_modules with @pulumi/pulumi above ${dir}`);
  }
}

interface ExportedResource {
  urn: string;
  type: string;
  custom?: boolean;
  id?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  parent?: string;
  initErrors?: string[];
  external?: boolean;
  delete?: boolean;
  protect?: boolean;
  retainOnDelete?: boolean;
  additionalSecretOutputs?: string[];
}

/** `stack export --show-secrets` writes a secret as {sig, plaintext: JSON}; the harness marks it {sig, value}. */
function markSecrets(v: unknown): PropertyValue {
  if (Array.isArray(v)) return v.map(markSecrets);
  if (isObject(v)) {
    if (v[SPECIAL_SIG_KEY] === SECRET_SIG && typeof v.plaintext === 'string') {
      return { [SPECIAL_SIG_KEY]: SECRET_SIG, value: markSecrets(JSON.parse(v.plaintext)) };
    }
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, markSecrets(x)]));
  }
  return v as PropertyValue;
}

function toResourceState(r: ExportedResource): ResourceState & { protect?: boolean; retainOnDelete?: boolean } {
  return {
    urn: r.urn,
    type: r.type,
    name: r.urn.slice(r.urn.lastIndexOf('::') + 2),
    custom: r.custom ?? false,
    id: r.id || undefined,
    inputs: markSecrets(r.inputs ?? {}) as PropertyMap,
    outputs: markSecrets(r.outputs ?? {}) as PropertyMap,
    parent: r.parent,
    initErrors: r.initErrors,
    external: r.external,
    additionalSecretOutputs: r.additionalSecretOutputs,
    pendingDelete: r.delete,
    protect: r.protect,
    retainOnDelete: r.retainOnDelete,
  };
}

/** The engine's ops in the harness's words; the halves of a replacement are its one `replace` step there. */
function toStep(s: CliStep): Step | undefined {
  const base = { urn: s.urn, type: s.type, name: s.urn.slice(s.urn.lastIndexOf('::') + 2), id: s.id, failed: s.failed, planned: s.planned };
  const outputs = s.outputs ? (markSecrets(s.outputs) as PropertyMap) : undefined;
  const plain: Record<string, StepOp> = { create: 'create', update: 'update', same: 'same', delete: 'delete', read: 'read', replace: 'replace' };
  if (s.op === 'refresh') return { ...base, op: s.gone ? 'delete' : s.diffs && s.diffs.length > 0 ? 'update' : 'same', refresh: true, keys: s.diffs, outputs };
  const op = plain[s.op];
  if (!op) return undefined;
  return { ...base, op, ...(op === 'replace' ? { oldId: s.oldId, keys: s.keys } : {}), outputs };
}

/**
 * A run's steps in the harness's words (toStep), with what the event stream says in more than one event put
 * the harness's way: a preview's planned step and its outputs event are one planned step; a replacement's
 * create that failed is its failed `replace` step; the delete of a resource a failed run left pending deletion
 * is a `delete` step (this run's own replacements keep only their `replace` step); `pulumi refresh` reports
 * plain update / same / delete ops, which are refresh steps.
 */
function toSteps(verb: Verb, events: CliStep[]): Step[] {
  let kept = events;
  if (verb === 'preview') {
    // Each planned step comes twice, from resourcePreEvent and from resOutputsEvent (or resOpFailedEvent): keep the later.
    const later = new Map<string, number>();
    const key = (s: CliStep) => `${s.op} ${s.urn}`;
    for (const s of events) if (!s.planned) later.set(key(s), (later.get(key(s)) ?? 0) + 1);
    kept = events.filter((s) => {
      const n = s.planned ? (later.get(key(s)) ?? 0) : 0;
      if (n > 0) later.set(key(s), n - 1);
      return n === 0;
    });
  }
  const replaced = new Set(kept.filter((s) => s.op === 'replace').map((s) => `${s.urn} ${s.oldId}`));
  const steps: Step[] = [];
  for (const s of kept) {
    if (s.op === 'create-replacement' && s.failed) {
      const base = { urn: s.urn, type: s.type, name: s.urn.slice(s.urn.lastIndexOf('::') + 2), failed: true as const };
      const outputs = s.outputs ? (markSecrets(s.outputs) as PropertyMap) : undefined;
      const replace = steps.find((x) => x.op === 'replace' && x.urn === s.urn && x.oldId === s.oldId);
      if (replace) Object.assign(replace, { failed: true, id: s.id !== s.oldId ? s.id : undefined, outputs });
      else steps.push({ ...base, op: 'replace', id: s.id !== s.oldId ? s.id : undefined, oldId: s.oldId, keys: s.keys, outputs });
      continue;
    }
    if (s.op === 'delete-replaced' && !replaced.has(`${s.urn} ${s.id}`)) {
      steps.push({ urn: s.urn, type: s.type, name: s.urn.slice(s.urn.lastIndexOf('::') + 2), op: 'delete', id: s.id, failed: s.failed, planned: verb === 'preview' || undefined });
      continue;
    }
    const step = toStep(s);
    if (!step) continue;
    if (verb === 'preview') {
      step.planned = true;
      // The replacement is not made yet: the event's id is the old resource's.
      if (step.op === 'replace') step.id = undefined;
    }
    if (verb === 'refresh') step.refresh = true;
    steps.push(step);
  }
  return steps;
}

function toRunResult(verb: Verb, raw: InlineResult, runnerOutput: string): CliRunResult {
  const diagnostics: Diagnostic[] = raw.diagnostics.map((d) => ({
    severity: d.severity === 'error' ? 'error' : d.severity === 'warning' ? 'warning' : 'info',
    source: 'engine',
    message: d.message,
    ...(d.urn ? { urn: d.urn } : {}),
  }));
  const cliOutput = `${raw.stdout}${raw.stderr}${runnerOutput}`;
  const outputs: PropertyMap = {};
  for (const [k, o] of Object.entries(raw.outputs)) {
    outputs[k] = o.secret ? { [SPECIAL_SIG_KEY]: SECRET_SIG, value: o.value as PropertyValue } : (o.value as PropertyValue);
  }
  const steps = toSteps(verb, raw.steps);
  return { verb, ok: raw.ok, error: raw.error, steps, outputs, diagnostics, rpcs: [], cliOutput, durationMs: raw.durationMs };
}
