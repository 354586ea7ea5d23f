#!/usr/bin/env node
// `imported-key`: wraps key material by hand, for people who import through a console or a cloud CLI.
// Replaces the vendor openssl recipes, including the several steps RSA_AES_KEY_WRAP needs.
// `imported-key probe` checks, read-only, what an account and an EXTERNAL key look like before the resource is trusted.
import * as fs from 'node:fs';
import { ImportedKeyError } from '../core/errors';
import { getWrappingAlgorithm, isWrappingAlgorithm, WRAPPING_ALGORITHMS } from '../core/wrapping/algorithms';
import type { AdapterConfig, KmsAdapter } from '../provider/clouds/adapter';
import { CLOUD_NAMES, createAdapter, getCloudProfile } from '../provider/clouds';
import { formatReport, probe, probeExitStatus, settingsFailure, type ProbeReport } from '../provider/probe';
import { assertKnownKeySpec, validateKeyMaterial } from '../core/wrapping/key-material';
import { wrapKeyMaterial } from '../core/wrapping/wrap';

export const USAGE = `Usage:
  imported-key wrap --algorithm ALG --public-key FILE --in FILE --out FILE
                    [--key-spec SPEC] [--format binary|base64|hex] [--force]
  imported-key probe --cloud CLOUD --key-id ID [--region REGION] [--endpoint URL]
                     [--project-id ID] [--wrapping-algorithm ALG] [--json]
  imported-key algorithms
  imported-key help

wrap      encrypts raw key material (--in, or - for stdin) under a cloud's wrapping public key
          (--public-key: DER, base64, hexadecimal or PEM) and writes it to --out (- prints base64).
          --format sets the output encoding (default: binary for a file, base64 for -).
          --key-spec checks the material against a key spec first (e.g. SYMMETRIC_DEFAULT, AES_256).
          --out never replaces an existing file unless --force is given, and never the --in or
          --public-key file (the material is the one thing that must not be lost).
probe     checks, changing nothing, an account and an EXTERNAL key before you trust the resource with
          them: credentials and clock (DescribeKey, the cloud's time against this machine's), the key
          (state, origin EXTERNAL, key spec, expiry), import parameters (GetParametersForImport: the
          wrapping key's type and size, the token's size and validity — never the token nor the key),
          and the adapter's assumptions where it has some. Credentials come from the cloud's usual
          environment variables. --json prints the report for machines.
          Clouds: ${CLOUD_NAMES.join(', ')}.
algorithms lists the wrapping algorithms.

Algorithms: ${WRAPPING_ALGORITHMS.join(', ')} (SM2_ENCRYPT = SM2PKE)
Exit status: 0 done (probe: every check passed, warnings allowed), 1 bad input (key, material,
algorithm; probe: a check failed or an assumption was contradicted), 2 usage error.`;

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  readStdin: () => Buffer;
}

/** How `probe` builds its adapter: the registry by default; tests pass a stub. */
export type AdapterFactory = (cloud: string, config: AdapterConfig) => KmsAdapter;

const defaultIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readStdin: () => fs.readFileSync(0),
};

class UsageError extends Error {}

const WRAP_OPTIONS = ['algorithm', 'public-key', 'in', 'out', 'key-spec', 'format', 'force'] as const;
type WrapOption = (typeof WRAP_OPTIONS)[number];
const PROBE_OPTIONS = ['cloud', 'region', 'key-id', 'endpoint', 'project-id', 'wrapping-algorithm', 'json'] as const;
type ProbeOption = (typeof PROBE_OPTIONS)[number];
/** Options that take no value. */
const FLAGS: readonly string[] = ['force', 'json'];
const FORMATS = ['binary', 'base64', 'hex'] as const;

function parseOptions<O extends string>(args: string[], known: readonly O[]): Partial<Record<O, string>> {
  const options: Partial<Record<O, string>> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument "${arg}"`);
    const eq = arg.indexOf('=');
    const name = (eq >= 0 ? arg.slice(2, eq) : arg.slice(2)) as O;
    if (!known.includes(name)) throw new UsageError(`unknown option --${name}; options: ${known.map((o) => '--' + o).join(', ')}`);
    if (FLAGS.includes(name)) {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      if (options[name] !== undefined) throw new UsageError(`--${name} is given twice`);
      options[name] = 'true';
      continue;
    }
    const value = eq >= 0 ? arg.slice(eq + 1) : args[++i];
    if (value === undefined || value === '') throw new UsageError(`--${name} needs a value`);
    if (options[name] !== undefined) throw new UsageError(`--${name} is given twice`);
    options[name] = value;
  }
  return options;
}

function readInput(path: string, what: string, io: CliIo): Buffer {
  if (path === '-') return io.readStdin();
  try {
    return fs.readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'read error';
    throw new ImportedKeyError('InvalidArgument', `cannot read ${what} file ${JSON.stringify(path)} (${code})`);
  }
}

function runWrap(args: string[], io: CliIo): number {
  const options = parseOptions(args, WRAP_OPTIONS);
  for (const required of ['algorithm', 'public-key', 'in', 'out'] as const) {
    if (!options[required]) throw new UsageError(`--${required} is required`);
  }
  const format = options.format ?? (options.out === '-' ? 'base64' : 'binary');
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
  if (options.out === '-' && format === 'binary') throw new UsageError('--format binary cannot be printed; use base64 or hex with --out -');
  // Check the algorithm before touching files, so a typo fails fast.
  getWrappingAlgorithm(options.algorithm!);
  if (options['key-spec'] !== undefined) assertKnownKeySpec(options['key-spec']);
  if (options.out !== '-') refuseToOverwrite(options.out!, { '--in': options.in!, '--public-key': options['public-key']! }, options.force === 'true');
  const publicKey = readInput(options['public-key']!, '--public-key', io);
  const material = readInput(options.in!, '--in', io);
  try {
    if (options['key-spec'] !== undefined) validateKeyMaterial(options['key-spec'], material);
    const wrapped = wrapKeyMaterial({ algorithm: options.algorithm!, publicKey, material });
    const encoded = format === 'binary' ? wrapped : Buffer.from(wrapped.toString(format === 'hex' ? 'hex' : 'base64') + (options.out === '-' ? '\n' : ''));
    if (options.out === '-') io.stdout(encoded.toString());
    else writeOutput(options.out!, encoded, options.force === 'true');
  } finally {
    material.fill(0);
  }
  return 0;
}

/** The same file, however its path is spelled (links, `./`, `..`): same device and inode. */
function sameFile(a: string, b: string): boolean {
  try {
    const [x, y] = [fs.statSync(a), fs.statSync(b)];
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false;
  }
}

/** --out must not be an input (ever), nor an existing file (unless --force). Checked before anything is read. */
function refuseToOverwrite(out: string, inputs: Record<string, string>, force: boolean): void {
  for (const [option, file] of Object.entries(inputs)) {
    if (file !== '-' && sameFile(out, file)) {
      throw new UsageError(`--out ${JSON.stringify(out)} is the ${option} file: writing there would destroy it; choose another --out`);
    }
  }
  if (!force && fs.existsSync(out)) {
    throw new UsageError(`--out ${JSON.stringify(out)} already exists; choose another file, or add --force to replace it`);
  }
}

function writeOutput(path: string, data: Buffer, force: boolean): void {
  try {
    // 'wx' fails if the file appeared since the check: nothing is ever written over a file by surprise.
    fs.writeFileSync(path, data, { flag: force ? 'w' : 'wx' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'write error';
    throw new ImportedKeyError('InvalidArgument', `cannot write --out file ${JSON.stringify(path)} (${code})`);
  }
}

/** Parses and checks the probe's arguments (usage errors, exit 2) before anything reaches a cloud. */
function parseProbe(args: string[]): { cloud: string; keyId: string; config: AdapterConfig; wrappingAlgorithm?: string; json: boolean } {
  const options = parseOptions<ProbeOption>(args, PROBE_OPTIONS);
  for (const required of ['cloud', 'key-id'] as const) {
    if (!options[required]) throw new UsageError(`--${required} is required`);
  }
  const cloud = options.cloud!;
  if (!CLOUD_NAMES.includes(cloud)) {
    throw new UsageError(`--cloud ${JSON.stringify(cloud.slice(0, 40))} is not supported; supported clouds: ${CLOUD_NAMES.join(', ')}`);
  }
  const algorithm = options['wrapping-algorithm'];
  if (algorithm !== undefined && !isWrappingAlgorithm(algorithm)) {
    throw new UsageError(`--wrapping-algorithm must be one of ${WRAPPING_ALGORITHMS.join(', ')}`);
  }
  const config: AdapterConfig = {
    ...(options.region !== undefined ? { region: options.region } : {}),
    ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
    ...(options['project-id'] !== undefined ? { projectId: options['project-id'] } : {}),
  };
  return { cloud, keyId: options['key-id']!, config, ...(algorithm !== undefined ? { wrappingAlgorithm: algorithm } : {}), json: options.json === 'true' };
}

async function runProbe(args: string[], io: CliIo, factory: AdapterFactory): Promise<number> {
  const { cloud, keyId, config, wrappingAlgorithm, json } = parseProbe(args);
  const profile = getCloudProfile(cloud);
  let report: ProbeReport;
  let adapter: KmsAdapter | undefined;
  try {
    // Settings (region, project, credentials from the environment) are read here: their failure is a failed check.
    adapter = factory(cloud, config);
  } catch (error) {
    report = settingsFailure(cloud, keyId, error);
  }
  if (adapter) {
    try {
      // The region the adapter will use, for the profile's region limits: the argument, else the cloud's variables.
      const region = config.region ?? profile.region?.environment.map((name) => process.env[name]).find((value) => value);
      report = await probe(adapter, { keyId, profile, ...(region ? { region } : {}), ...(wrappingAlgorithm !== undefined ? { wrappingAlgorithm } : {}) });
    } finally {
      adapter.destroy();
    }
  }
  io.stdout(json ? JSON.stringify(report!, null, 2) + '\n' : formatReport(report!));
  return probeExitStatus(report!);
}

function listAlgorithms(io: CliIo): number {
  for (const name of WRAPPING_ALGORITHMS) io.stdout(`${name.padEnd(26)}${getWrappingAlgorithm(name).description}\n`);
  return 0;
}

/**
 * Runs any command with `argv` (without node and script); resolves to the exit status. `probe` talks to a cloud, so
 * it is asynchronous; the other commands run through `main`.
 */
export async function run(argv: string[], io: CliIo = defaultIo, factory: AdapterFactory = createAdapter): Promise<number> {
  if (argv[0] !== 'probe') return main(argv, io);
  try {
    return await runProbe(argv.slice(1), io, factory);
  } catch (error) {
    return reportError(error, io);
  }
}

/** Runs a synchronous command with `argv` (without node and script); returns the exit status. `probe` needs `run`. */
export function main(argv: string[], io: CliIo = defaultIo): number {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'probe':
        throw new Error('imported-key probe is asynchronous: call run(), not main()');
      case 'wrap':
        return runWrap(rest, io);
      case 'algorithms':
        return listAlgorithms(io);
      case 'help':
      case '--help':
      case '-h':
        io.stdout(USAGE + '\n');
        return 0;
      default:
        throw new UsageError(command === undefined ? 'no command given' : `unknown command "${command}"`);
    }
  } catch (error) {
    return reportError(error, io);
  }
}

function reportError(error: unknown, io: CliIo): number {
  if (error instanceof UsageError) {
    io.stderr(`imported-key: ${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (error instanceof ImportedKeyError) {
    io.stderr(`imported-key: ${error.code}: ${error.message}\n`);
    return 1;
  }
  throw error;
}

if (require.main === module) {
  run(process.argv.slice(2)).then(
    (status) => {
      process.exitCode = status;
    },
    (error: unknown) => {
      // Not an error of ours (a bug): its message, never a stack that could quote a request.
      process.stderr.write(`imported-key: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
