// The keyMaterialSource argument as a program gives it, checked offline (no file read, no variable looked at, no
// command run, no HSM opened): exactly one of file, env, command, pkcs11. Every failure names keyMaterialSource.<field>
// and what is allowed. Also the source's description for the state and for messages: never a value that could be a
// secret (a command's arguments are not described, only argv[0]; a PKCS#11 source names no PIN).
import { ImportedKeyError } from '../../core/errors';
import { checkPkcs11Source, describeSource as describePkcs11, type Pkcs11Source } from './pkcs11/source';

export const SOURCE_KINDS = ['file', 'env', 'command', 'pkcs11'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/** How long a command may run by default, and at most. */
export const COMMAND_TIMEOUT_DEFAULT_MS = 30_000;
export const COMMAND_TIMEOUT_MAX_MS = 600_000;

export type MaterialSourceSpec =
  | { file: string }
  | { env: string }
  | { command: string[]; timeoutSeconds?: number }
  | { pkcs11: Pkcs11Source };

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Throws InvalidArgument naming `argument` (keyMaterialSource, or previousKeyMaterials[i]) and its field. */
function failer(argument: string): (field: string, what: string) => never {
  return (field, what) => {
    throw new ImportedKeyError('InvalidArgument', `${argument}${field ? `.${field}` : ''} ${what}`);
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const ALLOWED = 'one of { file: path }, { env: NAME }, { command: [argv…], timeoutSeconds? }, { pkcs11: { module, token, key, pinEnv } }';

/** The source as checked; throws InvalidArgument naming the argument (default keyMaterialSource) and the field. */
export function checkMaterialSource(raw: unknown, argument = 'keyMaterialSource'): MaterialSourceSpec {
  const fail: (field: string, what: string) => never = failer(argument);
  if (!isRecord(raw)) fail('', `must be an object: ${ALLOWED}`);
  const kinds = SOURCE_KINDS.filter((kind) => raw[kind] !== undefined);
  if (kinds.length !== 1) fail('', `must have exactly one of ${SOURCE_KINDS.join(', ')}${kinds.length ? ` (it has ${kinds.join(' and ')})` : ''}: ${ALLOWED}`);
  const kind = kinds[0];
  const extra = Object.keys(raw).filter((name) => name !== kind && !(kind === 'command' && name === 'timeoutSeconds'));
  if (extra.length > 0) fail('', `has unknown field(s) ${extra.map((n) => JSON.stringify(n.slice(0, 40))).join(', ')} beside ${kind}${kind === 'command' ? ' (only timeoutSeconds goes with command)' : ''}`);
  switch (kind) {
    case 'file': {
      const path = raw.file;
      if (typeof path !== 'string' || path.length === 0 || path.includes('\0')) fail('file', 'must be the path of a file holding the raw key material bytes');
      return { file: path };
    }
    case 'env': {
      const name = raw.env;
      if (typeof name !== 'string' || !ENV_NAME.test(name)) fail('env', 'must be the NAME of an environment variable (letters, digits, _) holding the material as base64, not the material');
      return { env: name };
    }
    case 'command': {
      const argv = raw.command;
      if (!Array.isArray(argv) || argv.length === 0 || !argv.every((arg) => typeof arg === 'string')) {
        fail('command', 'must be a non-empty list of strings: the program and its arguments (run without a shell)');
      }
      if ((argv[0] as string).length === 0) fail('command', '[0] must be the program to run (a path or a name on PATH)');
      const spec: { command: string[]; timeoutSeconds?: number } = { command: argv as string[] };
      if (raw.timeoutSeconds !== undefined) {
        const t = raw.timeoutSeconds;
        if (typeof t !== 'number' || !Number.isFinite(t) || t <= 0 || t * 1000 > COMMAND_TIMEOUT_MAX_MS) {
          fail('timeoutSeconds', `must be a number of seconds above 0 and at most ${COMMAND_TIMEOUT_MAX_MS / 1000} (default ${COMMAND_TIMEOUT_DEFAULT_MS / 1000})`);
        }
        spec.timeoutSeconds = t;
      }
      return spec;
    }
    default:
      return { pkcs11: checkPkcs11Source(raw.pkcs11, argument) };
  }
}

export function sourceKind(spec: MaterialSourceSpec): SourceKind {
  return SOURCE_KINDS.find((kind) => kind in spec)!;
}

/** What the state records and messages name: kind and where, never a value that may be secret. */
export function describeMaterialSource(spec: MaterialSourceSpec): string {
  if ('file' in spec) return `file ${spec.file}`;
  if ('env' in spec) return `environment variable ${spec.env}`;
  if ('command' in spec) return `command ${spec.command[0]}`;
  return describePkcs11(spec.pkcs11);
}
