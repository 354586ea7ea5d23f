// The demo's stack through the real `pulumi` CLI: a local file backend and a throwaway project
// directory in the demo's temporary folder, so no stack file is written into the repository.
// The project's `main` points back at examples/local, which the CLI then runs from (and starts
// the dynamic-provider host in), so @pulumi/pulumi resolves from the repository's node_modules.

import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { StackDriver, VerbOutcome } from './driver';

/** The installed CLI's version, or undefined when there is none. */
export function pulumiCliVersion(): string | undefined {
  const r = spawnSync('pulumi', ['version'], { encoding: 'utf8', env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: 'true' } });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

export class PulumiCliDriver implements StackDriver {
  readonly description: string;
  private readonly projectDir: string;
  private readonly env: NodeJS.ProcessEnv;
  private readonly log: string[] = [];
  private readonly stack = 'demo';

  constructor(repoDir: string, workDir: string, env: NodeJS.ProcessEnv, version: string) {
    this.description = `the pulumi CLI ${version} (local file backend in ${workDir})`;
    this.projectDir = path.join(workDir, 'project');
    const backend = path.join(workDir, 'backend');
    fs.mkdirSync(this.projectDir, { recursive: true });
    fs.mkdirSync(backend, { recursive: true });
    const main = path.relative(this.projectDir, path.join(repoDir, 'examples', 'local'));
    fs.writeFileSync(
      path.join(this.projectDir, 'Pulumi.yaml'),
      `name: imported-key-demo\nruntime:\n  name: nodejs\n  options:\n    typescript: true\nmain: ${main}/\n`,
    );
    this.env = {
      ...process.env,
      ...env,
      PULUMI_BACKEND_URL: `file://${backend}`,
      PULUMI_CONFIG_PASSPHRASE: 'demo-passphrase',
      PULUMI_SKIP_UPDATE_CHECK: 'true',
      PULUMI_HOME: path.join(workDir, 'pulumi-home'),
      // `import 'pulumi-imported-key'` loads this repo's sources (package.json exports condition).
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --conditions=pulumi-imported-key-ts`.trim(),
    };
  }

  private pulumi(args: string[], input?: string): Promise<{ code: number; out: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn('pulumi', [...args, '--non-interactive', '--color', 'never'], { cwd: this.projectDir, env: this.env });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      child.on('error', reject);
      child.on('close', (code) => {
        this.log.push(`$ pulumi ${args.join(' ')}\n${out}`);
        resolve({ code: code ?? 1, out });
      });
      child.stdin.end(input ?? '');
    });
  }

  private async verb(args: string[]): Promise<VerbOutcome> {
    const r = await this.pulumi(args);
    const summary = r.out.split('\n').filter((l) => /^\s*[+~-]{1,2}\s|Resources:|\d+ (created|updated|deleted|replaced|unchanged)|error:/.test(l)).map((l) => l.trim());
    return { ok: r.code === 0, summary, error: r.code === 0 ? undefined : summary.filter((l) => l.startsWith('error:')).join(' ') || `exit ${r.code}` };
  }

  async init(): Promise<void> {
    const r = await this.pulumi(['stack', 'init', this.stack]);
    if (r.code !== 0) throw new Error(`pulumi stack init failed:\n${r.out}`);
  }

  async setConfig(key: string, value: string, secret = false): Promise<void> {
    // The value goes through stdin, never the command line (where `ps` would show it).
    const r = await this.pulumi(['config', 'set', key, ...(secret ? ['--secret'] : [])], value);
    if (r.code !== 0) throw new Error(`pulumi config set ${key} failed:\n${r.out}`);
  }

  up(): Promise<VerbOutcome> {
    return this.verb(['up', '--yes', '--skip-preview']);
  }
  refresh(): Promise<VerbOutcome> {
    return this.verb(['refresh', '--yes', '--skip-preview']);
  }
  previewExpectingNoChanges(): Promise<VerbOutcome> {
    return this.verb(['preview', '--refresh', '--expect-no-changes']);
  }
  destroy(): Promise<VerbOutcome> {
    return this.verb(['destroy', '--yes', '--skip-preview']);
  }

  async resourceOutputs(name: string): Promise<Record<string, unknown>> {
    const r = await this.pulumi(['stack', 'export']);
    if (r.code !== 0) throw new Error(`pulumi stack export failed:\n${r.out}`);
    const deployment = JSON.parse(r.out) as { deployment: { resources?: Array<{ urn: string; outputs?: Record<string, unknown> }> } };
    const res = (deployment.deployment.resources ?? []).find((x) => x.urn.endsWith(`::${name}`));
    return res?.outputs ?? {};
  }

  async storedState(): Promise<string> {
    return (await this.pulumi(['stack', 'export'])).out;
  }

  transcript(): string {
    return this.log.join('\n');
  }

  async dispose(): Promise<void> {
    await this.pulumi(['stack', 'rm', this.stack, '--yes', '--force']);
  }
}
