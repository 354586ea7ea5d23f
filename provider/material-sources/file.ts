// keyMaterialSource { file: path }: the file holds the raw key material bytes (e.g. `openssl rand 32 > key.bin`).
// Read at the step that needs it; errors name the path and what is wrong, never a byte of the file.
import { readFile, stat } from 'node:fs/promises';
import { ImportedKeyError } from '../../core/errors';
import { MAX_MATERIAL_BYTES } from './limits';

function unavailable(path: string, what: string): ImportedKeyError {
  return new ImportedKeyError('SourceUnavailable', `keyMaterialSource file ${path}: ${what}`);
}

export async function readFileSource(path: string): Promise<Buffer> {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw unavailable(path, 'is not a regular file');
    size = info.size;
  } catch (error) {
    if (error instanceof ImportedKeyError) throw error;
    throw unavailable(path, describeFsError(error));
  }
  if (size === 0) throw unavailable(path, 'is empty: it must hold the raw key material bytes');
  if (size > MAX_MATERIAL_BYTES) throw unavailable(path, `is ${size} bytes, more than key material can be (at most ${MAX_MATERIAL_BYTES})`);
  try {
    return await readFile(path);
  } catch (error) {
    throw unavailable(path, describeFsError(error));
  }
}

function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return 'does not exist';
  if (code === 'EACCES' || code === 'EPERM') return 'cannot be read (permission denied)';
  if (code === 'EISDIR') return 'is a directory';
  return `cannot be read (${code ?? 'unknown error'})`;
}
