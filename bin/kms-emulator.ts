#!/usr/bin/env node
// kms-emulator [--host 127.0.0.1] [--port 0] [--state FILE] [--access-key test] [--secret-key test]
//   [--quotas published[:SCALE]] [--rotation-delay SECONDS] [--quiet] [--help]
// Prints exactly one line on stdout when ready; one log line per request on stderr; SIGINT and
// SIGTERM close it cleanly. --help prints the usage on stdout and exits 0; a bad flag or a --state that cannot be the
// state file (a folder, a missing folder) exits 2 at once, before listening.

import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { startEmulator, type EmulatorOptions } from '../emulator';
import { parseQuotaSetting, type QuotaSetting } from '../emulator/quotas';

export const USAGE = 'Usage: kms-emulator [--host 127.0.0.1] [--port 0] [--state FILE] [--access-key test] [--secret-key test] [--quotas published[:SCALE]] [--rotation-delay SECONDS] [--quiet]';

/** What `--help` prints (on stdout, exit 0). */
export const HELP = `${USAGE}

A local KMS for AWS, Alibaba Cloud, Huawei Cloud and Ping An Cloud on one loopback port. Prints one line when ready
("kms-emulator listening on http://HOST:PORT"), one log line per request on stderr; SIGINT / SIGTERM close it.

  --host HOST          address to listen on (default 127.0.0.1)
  --port PORT          port, 0 = any free one (default 0)
  --state FILE         keep keys, aliases and the clock in FILE across restarts (a file, not a folder)
  --access-key ID      the one access key the emulator accepts (default test)
  --secret-key SECRET  its secret; also seals the material in --state (default test)
  --quotas PRESET[:SCALE]  throttle as the clouds' published request quotas, each times SCALE (default 1), e.g.
                       published:10 (default off; POST /_emulator/quotas switches it at run time)
  --rotation-delay SECONDS  how long an AWS RotateKeyOnDemand takes on the emulator clock (default 3;
                       POST /_emulator/rotation changes it at run time)
  --quiet              no request log
  --help, -h           this text
`;

/** `--help` / `-h`: the caller prints HELP and exits 0. */
export class HelpRequested extends Error {
  constructor() {
    super(HELP);
    this.name = 'HelpRequested';
  }
}

/**
 * Why `--state` cannot be the state file, at start (not at the first change, when the emulator would fail to save):
 * a folder, or a file in a folder that does not exist or cannot be written.
 */
export function stateFileProblem(file: string): string | undefined {
  const stat = statOrUndefined(file);
  if (stat?.isDirectory()) return `--state ${file} is a directory; give a file path, e.g. ${resolve(file, 'kms-state.json')}`;
  if (stat && !stat.isFile()) return `--state ${file} is not a regular file; give a file path`;
  const dir = dirname(resolve(file));
  const parent = statOrUndefined(dir);
  if (!parent) return `--state ${file}: the folder ${dir} does not exist; create it first`;
  if (!parent.isDirectory()) return `--state ${file}: ${dir} is not a folder`;
  try {
    accessSync(dir, constants.W_OK);
    if (stat) accessSync(file, constants.R_OK | constants.W_OK);
  } catch {
    return `--state ${file} cannot be ${stat ? 'read and written' : `created (no write access to ${dir})`}`;
  }
  return undefined;
}

/** statSync, undefined where nothing is (also below a file: ENOTDIR). */
function statOrUndefined(path: string): ReturnType<typeof statSync> {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw error;
  }
}

export function parseArgs(argv: string[]): EmulatorOptions & { quiet: boolean } {
  const options: EmulatorOptions & { quiet: boolean } = { quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined || next.startsWith('--')) throw new Error(`${flag} needs a value\n${USAGE}`);
      return next;
    };
    switch (flag) {
      case '--host': options.host = value(); break;
      case '--port': {
        const raw = value();
        const port = Number(raw);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be an integer from 0 to 65535, not '${raw}'`);
        options.port = port;
        break;
      }
      case '--state': options.stateFile = value(); break;
      case '--access-key': options.accessKey = value(); break;
      case '--secret-key': options.secretKey = value(); break;
      case '--quotas': options.quotas = parseQuotasFlag(value()); break;
      case '--rotation-delay': {
        const raw = value();
        const seconds = raw.trim() === '' ? NaN : Number(raw);
        if (!Number.isFinite(seconds) || seconds < 0) throw new Error(`--rotation-delay must be a number of seconds, 0 or more, not '${raw}'`);
        options.rotationDelaySeconds = seconds;
        break;
      }
      case '--quiet': options.quiet = true; break;
      case '--help': case '-h': throw new HelpRequested();
      default: throw new Error(`unknown argument '${flag}'\n${USAGE}`);
    }
  }
  return options;
}

/** `published` or `published:10` → the quota setting; the message names --quotas and what is allowed. */
export function parseQuotasFlag(raw: string): QuotaSetting {
  const [preset, scale, extra] = raw.split(':');
  const scaleNumber = scale === undefined ? undefined : Number(scale);
  try {
    if (extra !== undefined || (scale !== undefined && (scale.trim() === '' || !Number.isFinite(scaleNumber)))) throw new Error('a number must follow the colon');
    return parseQuotaSetting(scaleNumber === undefined ? { preset } : { preset, scale: scaleNumber });
  } catch (error) {
    throw new Error(`--quotas must be PRESET or PRESET:SCALE (e.g. published or published:10), not '${raw}': ${(error as Error).message}`);
  }
}

export async function main(argv: string[]): Promise<void> {
  let options: ReturnType<typeof parseArgs>;
  try {
    options = parseArgs(argv);
  } catch (error) {
    if (error instanceof HelpRequested) {
      process.stdout.write(HELP);
      return;
    }
    process.stderr.write(`${(error as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  const stateProblem = options.stateFile !== undefined ? stateFileProblem(options.stateFile) : undefined;
  if (stateProblem) {
    process.stderr.write(`kms-emulator: ${stateProblem}\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  const { quiet, ...rest } = options;
  const emulator = await startEmulator({ ...rest, log: quiet ? undefined : (line) => process.stderr.write(`${line}\n`) });
  process.stdout.write(`kms-emulator listening on ${emulator.url}\n`);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`kms-emulator: ${signal}, closing\n`);
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`kms-emulator: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
