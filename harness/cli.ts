#!/usr/bin/env ts-node
// The harness as a command, so separate processes can share one stack (as `pulumi up` and a later
// `pulumi refresh` do). Usage (from the repository root):
//
//   npx ts-node harness/cli.ts config set KEY VALUE [--secret]   --project DIR --state FILE
//   npx ts-node harness/cli.ts preview|up|refresh|destroy          --project DIR --state FILE
//        [--stack NAME] [--refresh] [--expect-no-changes] [--in-repo] [--json]
//   npx ts-node harness/cli.ts stack output                        --project DIR --state FILE
//
// --in-repo loads `pulumi-imported-key` from this repo's sources (see IN_REPO_NODE_ARGS). Secrets
// print as [secret]. The passphrase comes from PULUMI_CONFIG_PASSPHRASE. Exit status 1 on failure.

import * as path from 'path';
import { DeploymentFailed, Engine, IN_REPO_NODE_ARGS, RunResult, Step, Verb } from './engine';
import { maskSecrets, PropertyMap } from './properties';

const USAGE = 'usage: cli.ts (preview|up|refresh|destroy | config set KEY VALUE [--secret] | stack output) --project DIR --state FILE [--stack NAME] [--refresh] [--expect-no-changes] [--in-repo] [--json]';

interface Args {
  words: string[];
  flags: Set<string>;
  values: Map<string, string>;
}

function parseArgs(argv: string[]): Args {
  const words: string[] = [];
  const flags = new Set<string>();
  const values = new Map<string, string>();
  const valued = new Set(['--project', '--state', '--stack']);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (valued.has(a)) {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      values.set(a, argv[++i]);
    } else if (a.startsWith('--')) flags.add(a);
    else words.push(a);
  }
  return { words, flags, values };
}

const symbols: Record<Step['op'], string> = { create: '+', update: '~', replace: '+-', delete: '-', same: ' ', read: '>' };

function printResult(r: RunResult): void {
  for (const s of r.steps) {
    const what = `${symbols[s.op]} ${s.op.padEnd(7)} ${s.name} (${s.type})`;
    const extra = [s.id && `id ${s.id}`, s.oldId && `replacing ${s.oldId}`, s.keys?.length && `[${s.keys.join(', ')}]`, s.planned && 'planned', s.failed && 'FAILED']
      .filter(Boolean)
      .join(', ');
    console.log(`${s.refresh ? 'refresh ' : ''}${what}${extra ? `  ${extra}` : ''}`);
  }
  const outputs = maskSecrets(r.outputs);
  if (Object.keys(outputs).length) {
    console.log('Outputs:');
    for (const [k, v] of Object.entries(outputs)) console.log(`    ${k}: ${JSON.stringify(v)}`);
  }
  for (const d of r.diagnostics.filter((x) => x.severity === 'error')) console.log(`error: ${d.message}`);
  const changes = r.steps.filter((s) => s.op !== 'same').length;
  console.log(r.ok ? `${r.verb}: ${changes} change(s)` : `${r.verb} failed: ${r.error}`);
}

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const projectDir = path.resolve(args.values.get('--project') ?? '.');
  const stateFile = args.values.get('--state');
  if (!stateFile) throw new Error(`--state is required\n${USAGE}`);
  const engine = new Engine({
    projectDir,
    stateFile: path.resolve(stateFile),
    stack: args.values.get('--stack'),
    nodeArgs: args.flags.has('--in-repo') ? IN_REPO_NODE_ARGS : undefined,
  });
  const [verb, ...rest] = args.words;
  if (verb === 'config' && rest[0] === 'set' && rest.length === 3) {
    engine.setConfig(rest[1], args.flags.has('--secret') ? { secret: rest[2] } : rest[2]);
    return 0;
  }
  if (verb === 'stack' && rest[0] === 'output') {
    const res = engine.state().resources;
    const outputs: PropertyMap = Object.fromEntries(res.map((r) => [r.name, maskSecrets(r.outputs)]));
    console.log(JSON.stringify(outputs, null, 2));
    return 0;
  }
  if (!['preview', 'up', 'refresh', 'destroy'].includes(verb) || rest.length) throw new Error(USAGE);
  const opts = { refresh: args.flags.has('--refresh'), expectNoChanges: args.flags.has('--expect-no-changes') };
  let result: RunResult;
  try {
    result = await (verb === 'destroy' ? engine.destroy() : engine[verb as Exclude<Verb, 'destroy'>](opts));
  } catch (e) {
    if (!(e instanceof DeploymentFailed)) throw e;
    result = e.result;
  }
  if (args.flags.has('--json')) {
    const { outputs, steps, ...rest } = result;
    console.log(JSON.stringify({ ...rest, outputs: maskSecrets(outputs), steps: steps.map((s) => ({ ...s, outputs: s.outputs && maskSecrets(s.outputs) })) }, null, 2));
  } else printResult(result);
  return result.ok ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: Error) => {
    console.error(`error: ${e.message}`);
    process.exit(2);
  },
);
