// Child process: one `pulumi preview | up | refresh | destroy` of a Pulumi project through the real CLI, the
// project's program run as an Automation API inline program in this process (the CLI connects to it with
// --client), so no Node.js language host is needed. Started by engine.ts with a request file; writes the
// run's result (steps from the engine's events, diagnostics, stack outputs, the CLI's output) and the stack's
// state (`pulumi stack export --show-secrets`) to the files the request names. Not meant to be run by hand.

import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as automation from '@pulumi/pulumi/automation';
import type { InlineRequest, InlineResult, CliStep } from './protocol';

const request = JSON.parse(fs.readFileSync(process.argv[2], 'utf8')) as InlineRequest;
// The program's own @pulumi/pulumi, so that its resources register with the runtime the Automation API drives.
const fromProgram = (id: string) => require(require.resolve(id, { paths: [request.programDir] }));
const auto = fromProgram('@pulumi/pulumi/automation') as typeof automation;

/** The program module's exports, as an inline program returns them (a default export function is called). */
async function program(): Promise<Record<string, unknown>> {
  const exported = require(path.resolve(request.programDir, request.main));
  const value = typeof exported?.default === 'function' ? await exported.default() : exported;
  return (await value) ?? {};
}

async function main(): Promise<void> {
  const result: InlineResult = { ok: true, steps: [], diagnostics: [], outputs: {}, stdout: '', stderr: '' };
  const pulumiCommand = await auto.PulumiCommand.get({ root: path.dirname(path.dirname(request.pulumiBin)), skipVersionCheck: true });
  const stack = await auto.LocalWorkspace.createOrSelectStack(
    { stackName: request.stack, projectName: request.project, program },
    {
      workDir: request.workDir,
      pulumiCommand,
      envVars: request.env,
      projectSettings: { name: request.project, runtime: 'nodejs', backend: { url: request.backendUrl } },
    },
  );
  await setConfig(request.config);

  const onEvent = (event: automation.EngineEvent) => {
    const step = stepOf(event);
    if (step) result.steps.push(step);
    const d = event.diagnosticEvent;
    // The engine's debug lines (registrations, RPC traces) are not what a user sees.
    if (d && !d.ephemeral && (d.severity as string) !== 'debug') result.diagnostics.push({ severity: d.severity, message: d.message, ...(d.urn ? { urn: d.urn } : {}) });
  };
  const onOutput = (out: string) => (result.stdout += out);
  const onError = (err: string) => (result.stderr += err);
  const common = { onEvent, onOutput, onError, color: 'never' as const, ...(request.parallel ? { parallel: request.parallel } : {}) };
  const refresh = request.options.refresh ? { refresh: true } : {};
  const expect = request.options.expectNoChanges ? { expectNoChanges: true } : {};
  const started = Date.now();
  try {
    if (request.verb === 'up') result.outputs = (await stack.up({ ...common, ...refresh, ...expect })).outputs;
    else if (request.verb === 'preview') await stack.preview({ ...common, ...refresh, ...expect });
    else if (request.verb === 'refresh') await stack.refresh({ ...common, ...expect });
    else await stack.destroy({ ...common });
  } catch (e) {
    result.ok = false;
    result.error = e instanceof Error ? e.message : String(e);
  }
  result.durationMs = Date.now() - started;
  if (request.verb !== 'up' || !result.ok) result.outputs = await stack.outputs().catch(() => ({}));
  // `stack export` as a user runs it (secrets as ciphertext), and decrypted so tests can tell what is secret.
  const exportStack = (...flags: string[]) =>
    execFileSync(request.pulumiBin, ['stack', 'export', ...flags, '--stack', request.stack, '--non-interactive'], {
      cwd: request.workDir,
      env: { ...process.env, ...request.env },
      maxBuffer: 256 * 1024 * 1024,
    });
  fs.writeFileSync(request.exportFile, exportStack());
  fs.writeFileSync(request.stateFile, exportStack('--show-secrets'));
  fs.writeFileSync(request.resultFile, JSON.stringify(result));
}

/**
 * Plain values in one `config set-all`; each secret by `config set --secret KEY` with the value on stdin, never in an
 * argument list (which `ps` shows, and which the Automation API repeats in its error messages).
 */
async function setConfig(config: InlineRequest['config']): Promise<void> {
  const run = (args: string[], input?: string) =>
    execFileSync(request.pulumiBin, [...args, '--stack', request.stack, '--non-interactive'], {
      cwd: request.workDir,
      env: { ...process.env, ...request.env },
      input: input ?? '',
      stdio: ['pipe', 'ignore', 'pipe'],
    });
  const plain = Object.entries(config).filter(([, v]) => !v.secret);
  if (plain.length > 0) run(['config', 'set-all', ...plain.flatMap(([k, v]) => ['--plaintext', `${k}=${v.value}`])]);
  for (const [key, { value }] of Object.entries(config).filter(([, v]) => v.secret)) {
    try {
      run(['config', 'set', '--secret', key], value);
    } catch {
      // The CLI's error could quote its input: say only which key.
      throw new Error(`pulumi config set --secret ${key} failed`);
    }
  }
}

/** A finished step (or, in a preview, a planned one), from the engine's event stream. */
function stepOf(event: automation.EngineEvent): CliStep | undefined {
  const m = event.resOutputsEvent?.metadata ?? event.resOpFailedEvent?.metadata ?? (request.verb === 'preview' ? event.resourcePreEvent?.metadata : undefined);
  if (!m || m.type === 'pulumi:pulumi:Stack' || m.type.startsWith('pulumi:providers:')) return undefined;
  return {
    op: m.op,
    urn: m.urn,
    type: m.type,
    id: m.new?.id || m.old?.id || undefined,
    oldId: m.old?.id || undefined,
    keys: m.keys,
    diffs: m.diffs,
    failed: event.resOpFailedEvent ? true : undefined,
    planned: event.resourcePreEvent ? true : undefined,
    gone: m.op === 'refresh' && !m.new ? true : undefined,
    outputs: m.new?.outputs as Record<string, unknown> | undefined,
  };
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`inline runner: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  },
);
