// The demo's stack through the engine-protocol harness (harness/: the real dynamic-provider host over gRPC,
// with the engine's part played in process). The fallback when no Pulumi CLI is built or installed.

import * as fs from 'fs';
import * as path from 'path';
import { Engine, IN_REPO_NODE_ARGS, type RunOptions, type RunResult } from '../../harness';
import { EngineDriver, type VerbOutcome } from './driver';

export class HarnessDriver extends EngineDriver<Engine> {
  readonly engine = 'harness' as const;
  readonly description = 'the engine-protocol harness (harness/: the real dynamic-provider host over gRPC, the engine played in process)';
  private readonly stateFile: string;

  constructor(projectDir: string, workDir: string, env: NodeJS.ProcessEnv) {
    const stateFile = path.join(workDir, 'stack-state.json');
    super(new Engine({ projectDir, stateFile, stack: 'demo', passphrase: 'demo-passphrase', env, nodeArgs: IN_REPO_NODE_ARGS }));
    this.stateFile = stateFile;
  }

  /** `pulumi up --yes --skip-preview`, as before: the harness's preview pass shows nothing the steps do not. */
  protected upOptions(): RunOptions {
    return {};
  }

  protected summarise(result: RunResult): VerbOutcome {
    const summary = result.steps.map(
      (s) => `${s.refresh ? 'refresh: ' : ''}${s.op} ${s.name}${s.keys?.length ? ` [${s.keys.join(', ')}]` : ''}${s.planned ? ' (planned)' : ''}`,
    );
    return { ok: result.ok, summary, error: result.error };
  }

  storedState(): string {
    return fs.readFileSync(this.stateFile, 'utf8');
  }
}
