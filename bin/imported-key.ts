#!/usr/bin/env node
// `imported-key`: wraps key material by hand, for people who import through a console or a cloud CLI.
// Replaces the vendor openssl recipes, including the several steps RSA_AES_KEY_WRAP needs.
import * as fs from 'node:fs';
import { ImportedKeyError } from '../core/errors';
import { getWrappingAlgorithm, WRAPPING_ALGORITHMS } from '../core/wrapping/algorithms';
import { assertKnownKeySpec, validateKeyMaterial } from '../core/wrapping/key-material';
import { wrapKeyMaterial } from '../core/wrapping/wrap';

export const USAGE = `Usage:
  imported-key wrap --algorithm ALG --public-key FILE --in FILE --out FILE
                    [--key-spec SPEC] [--format binary|base64|hex] [--force]
  imported-key algorithms
  imported-key help

wrap      encrypts raw key material (--in, or - for stdin) under a cloud's wrapping public key
          (--public-key: DER, base64, hexadecimal or PEM) and writes it to --out (- prints base64).
          --format sets the output encoding (default: binary for a file, base64 for -).
          --key-spec checks the material against a key spec first (e.g. SYMMETRIC_DEFAULT, AES_256).
          --out never replaces an existing file unless --force is given, and never the --in or
          --public-key file (the material is the one thing that must not be lost).
algorithms lists the wrapping algorithms.

Algorithms: ${WRAPPING_ALGORITHMS.join(', ')} (SM2_ENCRYPT = SM2PKE)
Exit status: 0 done, 1 bad input (key, material, algorithm), 2 usage error.`;

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  readStdin: () => Buffer;
}

const defaultIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readStdin: () => fs.readFileSync(0),
};

class UsageError extends Error {}

const WRAP_OPTIONS = ['algorithm', 'public-key', 'in', 'out', 'key-spec', 'format', 'force'] as const;
type WrapOption = (typeof WRAP_OPTIONS)[number];
/** Options that take no value. */
const FLAGS: readonly WrapOption[] = ['force'];
const FORMATS = ['binary', 'base64', 'hex'] as const;

function parseOptions(args: string[]): Partial<Record<WrapOption, string>> {
  const options: Partial<Record<WrapOption, string>> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument "${arg}"`);
    const eq = arg.indexOf('=');
    const name = (eq >= 0 ? arg.slice(2, eq) : arg.slice(2)) as WrapOption;
    if (!WRAP_OPTIONS.includes(name)) throw new UsageError(`unknown option --${name}; options: ${WRAP_OPTIONS.map((o) => '--' + o).join(', ')}`);
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
  const options = parseOptions(args);
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

function listAlgorithms(io: CliIo): number {
  for (const name of WRAPPING_ALGORITHMS) io.stdout(`${name.padEnd(26)}${getWrappingAlgorithm(name).description}\n`);
  return 0;
}

/** Runs the command with `argv` (without node and script); returns the exit status. */
export function main(argv: string[], io: CliIo = defaultIo): number {
  const [command, ...rest] = argv;
  try {
    switch (command) {
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
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
