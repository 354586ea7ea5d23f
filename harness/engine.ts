// The engine-protocol harness: what `pulumi preview/up/refresh/destroy` do for a program whose
// resources are dynamic (`pulumi-nodejs`) resources, for tests on machines without the Pulumi CLI.
// It runs the program (program.ts) and the real dynamic-provider host (host.ts), and hands each
// registration to a Deployment (deployment.ts), keeping state in a JSON file (state.ts).

import { EngineService, LogMessage, Severity } from './engine-service';
import { ProviderHost } from './host';
import { Deployment } from './deployment';
import { runProgram } from './program';
import { programLocation, readProjectFile } from './project';
import { ConfigEntry, ResourceState, StackState, StateFile } from './state';
import { ConfigValue, DeploymentFailed, Diagnostic, EngineOptions, RunOptions, RunResult, StepFailed, Verb } from './types';

export * from './types';

/** Node flags that make `import 'pulumi-imported-key'` load this repo's TypeScript sources (package.json exports). */
export const IN_REPO_NODE_ARGS = ['--conditions=pulumi-imported-key-ts'];

export class Engine {
  readonly project: string;
  readonly stack: string;
  readonly main: string;
  /** The program's working directory (also the host's) and its entry relative to it. */
  readonly location: { pwd: string; main: string };
  private readonly store: StateFile;

  constructor(private readonly opts: EngineOptions) {
    const projectFile = readProjectFile(opts.projectDir);
    this.project = projectFile.name;
    this.main = projectFile.main;
    this.location = programLocation(opts.projectDir, projectFile.main);
    this.stack = opts.stack ?? 'dev';
    // Guess: a fixed passphrase when none is set keeps tests simple; the real CLI would ask for one.
    this.store = new StateFile(opts.stateFile, opts.passphrase ?? process.env.PULUMI_CONFIG_PASSPHRASE ?? 'harness-test-passphrase');
    if (opts.config) for (const [k, v] of Object.entries(opts.config)) this.setConfig(k, v);
  }

  /** `pulumi config set [--secret] key value`. */
  setConfig(key: string, value: ConfigValue): void {
    if (!key.includes(':')) key = `${this.project}:${key}`;
    const state = this.load();
    state.config[key] = typeof value === 'string' ? { value, secret: false } : { value: value.secret, secret: true };
    this.store.save(state);
  }

  /** The stack's state as the file holds it (secrets marked, decrypted). */
  state(): StackState {
    return this.load();
  }

  /** The state entry of the first resource with this name (and type, if given), leaving out one pending deletion (as the CLI engine does). */
  resource(name: string, type?: string): ResourceState | undefined {
    return this.load().resources.find((r) => r.name === name && !r.pendingDelete && (!type || r.type === type));
  }

  preview(opts: RunOptions = {}): Promise<RunResult> {
    return this.run('preview', opts);
  }

  /** `pulumi up --yes --skip-preview`; with `previewFirst`, `pulumi up --yes` (a preview pass, then the update). */
  async up(opts: RunOptions & { previewFirst?: boolean } = {}): Promise<RunResult> {
    if (!opts.previewFirst) return this.run('up', opts);
    const preview = await this.run('preview', { refresh: opts.refresh });
    const up = await this.run('up', opts);
    return { ...up, diagnostics: [...preview.diagnostics, ...up.diagnostics] };
  }

  refresh(opts: RunOptions = {}): Promise<RunResult> {
    return this.run('refresh', opts);
  }

  destroy(): Promise<RunResult> {
    return this.run('destroy', {});
  }

  private load(): StackState {
    const state = this.store.load(this.project, this.stack);
    if (state.project !== this.project || state.stack !== this.stack) {
      throw new Error(`${this.opts.stateFile} holds stack ${state.project}/${state.stack}, not ${this.project}/${this.stack}`);
    }
    return state;
  }

  private async run(verb: Verb, opts: RunOptions): Promise<RunResult> {
    const state = this.load();
    const result: RunResult = { verb, ok: true, steps: [], outputs: {}, diagnostics: [], rpcs: [] };
    const diag = (severity: Severity, source: Diagnostic['source'], message: string, urn?: string) =>
      result.diagnostics.push({ severity, source, message, ...(urn ? { urn } : {}) });
    const service = await EngineService.start((m: LogMessage) => diag(m.severity, 'provider', m.message, m.urn || undefined));
    const plainConfig = Object.fromEntries(Object.entries(state.config).map(([k, e]) => [k, e.value]));
    const secretKeys = Object.entries(state.config).filter(([, e]) => (e as ConfigEntry).secret).map(([k]) => k);
    const env = this.baseEnv(plainConfig, secretKeys);
    let host: ProviderHost | undefined;
    const run = new Deployment({ project: this.project, stack: this.stack }, state, result, verb === 'preview', () => this.store.save(state), diag);
    // The host starts while the program loads; registrations wait for it (and for --refresh).
    const hostReady = (async () => {
      host = await ProviderHost.start({
        programDir: this.location.pwd,
        engineAddress: service.address,
        // Guess: the engine passes its address only as argv, which the host ignores; PULUMI_NODEJS_ENGINE
        // lets `pulumi.log` calls in a provider reach the Engine service so they are recorded too.
        env: { ...env, PULUMI_NODEJS_ENGINE: service.address },
        onOutput: (stream, line) => diag(stream === 'stderr' ? 'warning' : 'info', 'host', line),
      });
      result.rpcs.push('Configure');
      await host.configure(plainConfig);
      run.host = host;
      if (opts.refresh && (verb === 'up' || verb === 'preview')) await run.refreshAll(verb === 'up');
    })();
    hostReady.catch(() => undefined);
    try {
      if (verb === 'destroy') await hostReady.then(() => run.destroyAll());
      else if (verb === 'refresh') await hostReady.then(() => run.refreshAll(true));
      else {
        run.waitFor(hostReady);
        const program = await runProgram({
          programDir: this.location.pwd,
          main: this.location.main,
          nodeArgs: this.opts.nodeArgs,
          env: { ...env, PULUMI_NODEJS_DRY_RUN: String(verb === 'preview'), PULUMI_NODEJS_ROOT_DIRECTORY: this.opts.projectDir },
          onRegister: (r) => run.register(r),
          onRead: (r) => run.readExternal(r),
          onOutput: (stream, line) => diag(stream === 'stderr' ? 'warning' : 'info', 'program', line),
        });
        await hostReady;
        if (!run.failed && !program.ok) run.fail(`the program failed: ${program.error}`);
        if (!run.failed) {
          result.outputs = program.exports ?? {};
          await run.deleteUnregistered();
        }
      }
      if (!run.failed && opts.expectNoChanges && result.steps.some((s) => s.op !== 'same')) {
        run.fail('no changes were expected but changes were proposed');
      }
    } catch (e) {
      if (!(e instanceof StepFailed)) run.fail((e as Error).message);
    } finally {
      await hostReady.catch(() => undefined);
      await (host as ProviderHost | undefined)?.stop();
      await service.stop();
    }
    if (!result.ok) throw new DeploymentFailed(result);
    return result;
  }

  private baseEnv(config: Record<string, string>, secretKeys: string[]): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env, ...this.opts.env };
    for (const k of Object.keys(env)) if (k.startsWith('PULUMI_NODEJS_')) delete env[k];
    delete env.NODE_OPTIONS;
    // Guess: PULUMI_NODEJS_PROJECT/STACK for the host too, so its Config qualifies bare keys with the project.
    return {
      ...env,
      PULUMI_CONFIG: JSON.stringify(config),
      PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(secretKeys),
      PULUMI_NODEJS_PROJECT: this.project,
      PULUMI_NODEJS_STACK: this.stack,
    };
  }
}

