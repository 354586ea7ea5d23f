// What the demo needs from "a Pulumi": set config, run the verbs, read a resource's outputs.
// Two implementations over the same Engine interface: the real Pulumi CLI (pulumi-cli.ts, through
// scripts/pulumi-cli's CliEngine) and the engine-protocol harness (harness.ts, harness/).

import { DeploymentFailed, maskSecrets, transcript, type ConfigValue, type RunOptions, type RunResult, type ResourceState } from '../../harness';

export type EngineChoice = 'cli' | 'harness';

export interface VerbOutcome {
  ok: boolean;
  /** One line per step ("create demo-key", "refresh: update demo-key [keyState]"), or the CLI's summary lines. */
  summary: string[];
  error?: string;
}

export interface StackDriver {
  readonly engine: EngineChoice;
  /** Says which Pulumi runs the demo. */
  readonly description: string;
  setConfig(key: string, value: string, secret?: boolean): void;
  /** `pulumi up --yes` (the CLI: with its preview pass first). */
  up(): Promise<VerbOutcome>;
  refresh(): Promise<VerbOutcome>;
  /** `pulumi preview --refresh --expect-no-changes`. */
  previewExpectingNoChanges(): Promise<VerbOutcome>;
  destroy(): Promise<VerbOutcome>;
  /** The recorded outputs of the resource `name`, secrets masked. */
  resourceOutputs(name: string): Record<string, unknown>;
  /** Everything the engine keeps on disk for the stack, as stored (to check that no material is in it). */
  storedState(): string;
  /** Everything the runs printed or logged so far. */
  transcript(): string;
}

/** The part of the harness's Engine (and of CliEngine) the drivers use. */
export interface DemoEngine {
  setConfig(key: string, value: ConfigValue): void;
  resource(name: string): ResourceState | undefined;
  up(opts?: RunOptions & { previewFirst?: boolean }): Promise<RunResult>;
  preview(opts?: RunOptions): Promise<RunResult>;
  refresh(opts?: RunOptions): Promise<RunResult>;
  destroy(): Promise<RunResult>;
}

/** The verbs and bookkeeping both drivers share; each says how to summarise a run and where its state is. */
export abstract class EngineDriver<E extends DemoEngine> implements StackDriver {
  abstract readonly engine: EngineChoice;
  abstract readonly description: string;
  private readonly log: string[] = [];

  constructor(protected readonly stack: E) {}

  protected abstract summarise(result: RunResult): VerbOutcome;
  protected abstract upOptions(): RunOptions & { previewFirst?: boolean };
  abstract storedState(): string;

  setConfig(key: string, value: string, secret = false): void {
    this.stack.setConfig(key, secret ? { secret: value } : value);
  }

  private async run(work: () => Promise<RunResult>): Promise<VerbOutcome> {
    let result: RunResult;
    try {
      result = await work();
    } catch (e) {
      if (!(e instanceof DeploymentFailed)) throw e;
      result = e.result;
    }
    this.log.push(transcript(result));
    return this.summarise(result);
  }

  up(): Promise<VerbOutcome> {
    return this.run(() => this.stack.up(this.upOptions()));
  }
  refresh(): Promise<VerbOutcome> {
    return this.run(() => this.stack.refresh());
  }
  previewExpectingNoChanges(): Promise<VerbOutcome> {
    return this.run(() => this.stack.preview({ refresh: true, expectNoChanges: true }));
  }
  destroy(): Promise<VerbOutcome> {
    return this.run(() => this.stack.destroy());
  }

  resourceOutputs(name: string): Record<string, unknown> {
    const res = this.stack.resource(name);
    return res ? (maskSecrets(res.outputs) as Record<string, unknown>) : {};
  }

  transcript(): string {
    return this.log.join('\n');
  }
}
