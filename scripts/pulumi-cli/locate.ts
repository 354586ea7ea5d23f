// Where the real Pulumi CLI is: the one `npm run pulumi-cli` built (same release as the installed @pulumi/pulumi),
// else a `pulumi` on PATH. Used by the tests (real-engine scenarios) and the demo.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface PulumiCli {
  /** The absolute path of the `pulumi` binary. */
  bin: string;
  /** Its directory: `pulumi-resource-pulumi-nodejs` must be there or on PATH. */
  binDir: string;
  /** As `pulumi version` prints it, e.g. v3.248.0. */
  version: string;
}

/** The installed @pulumi/pulumi's version: the release the CLI is built from. */
export function sdkVersion(): string {
  return (require('@pulumi/pulumi/package.json') as { version: string }).version;
}

/** The bin directory `npm run pulumi-cli` builds into (scripts/pulumi-cli/build.sh uses the same rule). */
export function cachedCliDir(version = sdkVersion()): string {
  const root = process.env.PULUMI_CLI_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'pulumi-imported-key');
  return path.join(root, `pulumi-v${version}`, 'bin');
}

function versionOf(bin: string): string | undefined {
  const r = spawnSync(bin, ['version'], { encoding: 'utf8', env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: 'true' }, timeout: 30_000 });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const file = path.join(dir, name);
    if (dir && fs.existsSync(file)) return file;
  }
  return undefined;
}

let found: PulumiCli | null | undefined;

/** The CLI to run, or undefined when there is none (then the harness stands in). */
export function findPulumiCli(): PulumiCli | undefined {
  if (found !== undefined) return found ?? undefined;
  const candidates = [path.join(cachedCliDir(), 'pulumi'), onPath('pulumi')].filter((f): f is string => !!f && fs.existsSync(f));
  for (const bin of candidates) {
    const version = versionOf(bin);
    if (version) return (found = { bin, binDir: path.dirname(bin), version });
  }
  found = null;
  return undefined;
}
