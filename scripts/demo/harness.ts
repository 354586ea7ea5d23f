// The demo's stack through the engine-protocol harness (tests/engine): the real dynamic-provider
// host over gRPC, used when no `pulumi` CLI is installed.

import * as fs from 'fs';
import * as path from 'path';
import { DeploymentFailed, Engine, IN_REPO_NODE_ARGS, maskSecrets, RunResult, transcript } from '../../harness';
import type { StackDriver, VerbOutcome } from './driver';

export class HarnessDriver implements StackDriver {
  readonly description = 'the engine-protocol harness (tests/engine: the real dynamic-provider host over gRPC; no pulumi CLI found)';
  private readonly engine: Engine;
  private readonly stateFile: string;
  private readonly log: string[] = [];

  constructor(projectDir: string, workDir: string, env: NodeJS.ProcessEnv) {
    this.stateFile = path.join(workDir, 'stack-state.json');
    this.engine = new Engine({ projectDir, stateFile: this.stateFile, stack: 'demo', passphrase: 'demo-passphrase', env, nodeArgs: IN_REPO_NODE_ARGS });
  }

  async init(): Promise<void> {}

  async setConfig(key: string, value: string, secret = false): Promise<void> {
    this.engine.setConfig(key, secret ? { secret: value } : value);
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
    const summary = result.steps.map(
      (s) => `${s.refresh ? 'refresh: ' : ''}${s.op} ${s.name}${s.keys?.length ? ` [${s.keys.join(', ')}]` : ''}${s.planned ? ' (planned)' : ''}`,
    );
    return { ok: result.ok, summary, error: result.error };
  }

  up(): Promise<VerbOutcome> {
    return this.run(() => this.engine.up());
  }
  refresh(): Promise<VerbOutcome> {
    return this.run(() => this.engine.refresh());
  }
  previewExpectingNoChanges(): Promise<VerbOutcome> {
    return this.run(() => this.engine.preview({ refresh: true, expectNoChanges: true }));
  }
  destroy(): Promise<VerbOutcome> {
    return this.run(() => this.engine.destroy());
  }

  async resourceOutputs(name: string): Promise<Record<string, unknown>> {
    const res = this.engine.resource(name);
    return res ? (maskSecrets(res.outputs) as Record<string, unknown>) : {};
  }

  async storedState(): Promise<string> {
    return fs.readFileSync(this.stateFile, 'utf8');
  }

  transcript(): string {
    return this.log.join('\n');
  }

  async dispose(): Promise<void> {}
}
