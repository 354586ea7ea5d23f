// The demo's stack through the real Pulumi CLI: scripts/pulumi-cli's CliEngine, which runs the project's
// program (Pulumi.yaml at the repository root → examples/local) as an Automation API inline program against
// `pulumi` with a file backend and passphrase secrets, everything in the demo's temporary folder. No Node.js
// language host is needed (the inline program connects to the CLI itself).

import * as fs from 'fs';
import * as path from 'path';
import { IN_REPO_NODE_ARGS, type RunResult } from '../../harness';
import { CliEngine, type CliRunOptions, type CliRunResult } from '../pulumi-cli/engine';
import type { PulumiCli } from '../pulumi-cli/locate';
import { EngineDriver, type VerbOutcome } from './driver';

export class CliDriver extends EngineDriver<CliEngine> {
  readonly engine = 'cli' as const;
  readonly description: string;

  constructor(projectDir: string, workDir: string, env: NodeJS.ProcessEnv, cli: PulumiCli) {
    super(
      new CliEngine({
        projectDir,
        stateFile: path.join(workDir, 'stack-state.json'),
        stack: 'demo',
        passphrase: 'demo-passphrase',
        env,
        nodeArgs: IN_REPO_NODE_ARGS,
        cli,
      }),
    );
    this.description = `the real Pulumi CLI ${cli.version} (${cli.bin}; file backend in ${this.stack.backendDir})`;
  }

  /** `pulumi up --yes`: the preview pass, then the update. */
  protected upOptions(): CliRunOptions {
    return { previewFirst: true };
  }

  protected summarise(result: RunResult): VerbOutcome {
    const output = (result as CliRunResult).cliOutput ?? '';
    const summary = cliSummary(output);
    const errors = summary.filter((l) => l.startsWith('error:'));
    const error = result.ok ? undefined : errors.length ? errors.join(' ') : (result.error ?? 'failed').split('\n')[0];
    return { ok: result.ok, summary: summary.filter((l) => !l.startsWith('error:')), error };
  }

  /**
   * What the CLI keeps for the stack, as stored: the file backend (checkpoint, history, backups; secrets encrypted
   * with the passphrase), the workspace's Pulumi.yaml / Pulumi.demo.yaml, PULUMI_HOME. Not CliEngine's
   * export.json: that is `stack export --show-secrets`, decrypted on purpose for the tests.
   */
  storedState(): string {
    const texts = this.stack.storedFiles().map((file) => fs.readFileSync(file, 'utf8'));
    if (!texts.some((t) => t.includes('"checkpoint"'))) throw new Error(`no stack checkpoint under ${this.stack.backendDir}`);
    return texts.join('\n');
  }
}

const PASS = /^(Previewing update|Updating|Refreshing|Previewing refresh|Destroying|Previewing destroy) \(/;
/** A resource's line once its step is decided or done (not the "creating…" progress lines), stack resource left out. */
const RESOURCE = /^ ?(\+|~|-|\+-|-\+|\+\+|--|<=|=>)\s+(\S+)\s+\S+\s+(create|created|update|updated|delete|deleted|replace|replaced|refresh|read|import|imported|discard|discarded)( |$)/;

/**
 * The CLI's own summary of each pass in its output: the pass's title ("Updating (demo):"), each resource's
 * `+`/`~`/`-` line, the `Resources:` block, the duration, and any `error:` line, verbatim but for spacing.
 */
export function cliSummary(output: string): string[] {
  const lines: string[] = [];
  let passLines = new Set<string>();
  let inResources = false;
  for (const raw of output.split('\n')) {
    const line = raw.replace(/\s+$/, '');
    if (inResources && /^\s+\S/.test(line)) {
      lines.push(`    ${line.trim()}`);
      continue;
    }
    inResources = false;
    if (PASS.test(line)) {
      passLines = new Set();
      lines.push(line);
    } else if (line === 'Resources:') {
      lines.push(line);
      inResources = true;
    } else if (/^Duration: /.test(line)) {
      lines.push(line);
    } else if (/^error: /.test(line)) {
      if (!lines.includes(line)) lines.push(line);
    } else {
      const m = RESOURCE.exec(line);
      if (!m || m[2] === 'pulumi:pulumi:Stack') continue;
      const shown = `${m[1]} ${line.slice(line.indexOf(m[2])).replace(/\s+/g, ' ')}`;
      if (!passLines.has(shown)) lines.push(shown);
      passLines.add(shown);
    }
  }
  return lines;
}
