#!/usr/bin/env node
// kms-emulator [--host 127.0.0.1] [--port 0] [--state FILE] [--access-key test] [--secret-key test]
// Prints exactly one line on stdout when ready; one log line per request on stderr; SIGINT and
// SIGTERM close it cleanly.

import { startEmulator, type EmulatorOptions } from './index';

export const USAGE = 'Usage: kms-emulator [--host 127.0.0.1] [--port 0] [--state FILE] [--access-key test] [--secret-key test] [--quiet]';

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
      case '--quiet': options.quiet = true; break;
      case '--help': case '-h': throw new Error(USAGE);
      default: throw new Error(`unknown argument '${flag}'\n${USAGE}`);
    }
  }
  return options;
}

export async function main(argv: string[]): Promise<void> {
  let options: ReturnType<typeof parseArgs>;
  try {
    options = parseArgs(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
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
