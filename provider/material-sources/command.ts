// keyMaterialSource { command: [argv…] }: a program (e.g. a secret manager's CLI) prints the key material as base64
// on stdout. Run with execFile (no shell), a timeout, stdout bounded, stdin closed; stderr is read and dropped, never
// echoed (it may hold anything). A failure says only the program, its exit status or signal, or the timeout.
import { spawn } from 'node:child_process';
import { ImportedKeyError } from '../../core/errors';
import { decodeBase64Text } from './base64';
import { MAX_MATERIAL_BYTES } from './limits';
import { COMMAND_TIMEOUT_DEFAULT_MS } from './spec';

/** Base64 text of MAX_MATERIAL_BYTES plus line breaks. */
const MAX_STDOUT_BYTES = Math.ceil(MAX_MATERIAL_BYTES / 3) * 4 + 4096;

function failed(program: string, what: string, code: 'SourceUnavailable' | 'InvalidEncoding' = 'SourceUnavailable'): ImportedKeyError {
  return new ImportedKeyError(code, `keyMaterialSource command ${program}: ${what}`);
}

export async function readCommandSource(argv: readonly string[], timeoutMs: number = COMMAND_TIMEOUT_DEFAULT_MS): Promise<Buffer> {
  const program = argv[0];
  const stdout = await new Promise<Buffer>((resolve, reject) => {
    const child = spawn(program, argv.slice(1), { shell: false, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    const chunks: Buffer[] = [];
    let size = 0;
    let why: ImportedKeyError | undefined;
    const stop = (error: ImportedKeyError) => {
      why ??= error;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => stop(failed(program, `timed out after ${timeoutMs / 1000} s (keyMaterialSource.timeoutSeconds) and was killed`)), timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_STDOUT_BYTES) stop(failed(program, `printed more than ${MAX_STDOUT_BYTES} bytes; it must print only the key material as base64`));
      else chunks.push(chunk);
    });
    // Drained so that the program never blocks on a full pipe; never kept, never shown.
    child.stderr.on('data', () => undefined);
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(failed(program, error.code === 'ENOENT' ? 'not found (not a path to a program, nor a program on PATH)' : error.code === 'EACCES' ? 'cannot be run (permission denied)' : `cannot be run (${error.code ?? 'unknown error'})`));
    });
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      const output = Buffer.concat(chunks);
      chunks.length = 0;
      if (why) return (output.fill(0), reject(why));
      if (signal) return (output.fill(0), reject(failed(program, `was killed by signal ${signal}`)));
      if (status !== 0) return (output.fill(0), reject(failed(program, `exited with status ${status} (its stderr is not shown: run it yourself to see why)`)));
      resolve(output);
    });
  });
  const material = decodeBase64Text(stdout.toString('latin1'));
  stdout.fill(0);
  if (!material) throw failed(program, 'printed no base64 key material on stdout (it must print only the material as base64)', 'InvalidEncoding');
  if (material.length > MAX_MATERIAL_BYTES) throw failed(program, `printed ${material.length} bytes of material, more than key material can be`);
  return material;
}
