// The --state FILE: the whole store as JSON, rewritten atomically (temporary file + rename) after
// every change, so a second process (`pulumi refresh` after `pulumi up`) sees the same keys and a
// crash never leaves half a file. Material and import-token private keys are sealed with
// AES-256-GCM under a key derived from the configured secret key: the file is not a place where
// `grep` (or a CI artifact upload) should find key material, even though the default secret is
// the public "test" — sealing is about keeping the bytes out of plain sight, not about secrecy.

import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync, existsSync, unlinkSync } from 'node:fs';
import type { EmulatorClock } from './clock';
import type { KeyStore, StoreSnapshot } from './store';

const FORMAT = 'kms-emulator-state/1';

interface StateFile {
  format: string;
  clockOffsetMs: number;
  keys: StoreSnapshot['keys'];
  aliases: StoreSnapshot['aliases'];
  /** base64(salt 16 ‖ iv 12 ‖ tag 16 ‖ AES-256-GCM(JSON of the secret part)). */
  sealed: string;
}

export interface PersistedState {
  clockOffsetMs: number;
  snapshot: StoreSnapshot;
}

function sealingKey(secretKey: string, salt: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(secretKey, 'utf8'), salt, 'kms-emulator state sealing', 32));
}

export function sealState(state: PersistedState, secretKey: string): string {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealingKey(secretKey, salt), iv);
  const sealedBody = Buffer.concat([cipher.update(JSON.stringify(state.snapshot.secret), 'utf8'), cipher.final()]);
  const file: StateFile = {
    format: FORMAT,
    clockOffsetMs: state.clockOffsetMs,
    keys: state.snapshot.keys,
    aliases: state.snapshot.aliases,
    sealed: Buffer.concat([salt, iv, cipher.getAuthTag(), sealedBody]).toString('base64'),
  };
  return JSON.stringify(file, null, 2) + '\n';
}

export function unsealState(text: string, secretKey: string, path: string): PersistedState {
  let file: StateFile;
  try {
    file = JSON.parse(text) as StateFile;
  } catch {
    throw new Error(`state file ${path} is not valid JSON`);
  }
  if (file.format !== FORMAT) throw new Error(`state file ${path} has format '${String(file.format)}', expected '${FORMAT}'`);
  const raw = Buffer.from(file.sealed, 'base64');
  const salt = raw.subarray(0, 16);
  const iv = raw.subarray(16, 28);
  const tag = raw.subarray(28, 44);
  let secret: StoreSnapshot['secret'];
  try {
    const decipher = createDecipheriv('aes-256-gcm', sealingKey(secretKey, salt), iv);
    decipher.setAuthTag(tag);
    secret = JSON.parse(Buffer.concat([decipher.update(raw.subarray(44)), decipher.final()]).toString('utf8'));
  } catch {
    throw new Error(`state file ${path} cannot be unsealed: was it written with another --secret-key?`);
  }
  return { clockOffsetMs: file.clockOffsetMs ?? 0, snapshot: { keys: file.keys, aliases: file.aliases, secret } };
}

export function loadState(path: string, secretKey: string): PersistedState | undefined {
  if (!existsSync(path)) return undefined;
  const text = readFileSync(path, 'utf8');
  if (text.trim() === '') return undefined;
  return unsealState(text, secretKey, path);
}

/** Writes to `<path>.<pid>.tmp`, fsyncs, then renames over `path` (atomic on POSIX). */
export function saveState(path: string, state: PersistedState, secretKey: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, sealState(state, secretKey));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(tmp, path);
  } catch (error) {
    if (existsSync(tmp)) unlinkSync(tmp);
    throw error;
  }
}

/** The state file of one emulator: its clock and its store, loaded together and saved together. */
export interface StatePersistence {
  /** Puts the saved clock offset and keys (when the file exists and is not empty) into the clock and the store. */
  restore(): void;
  /** Saves the clock and the store in one atomic write: the one way the state file is written. */
  persist(): void;
}

export function statePersistence(path: string, secretKey: string, clock: EmulatorClock, store: KeyStore): StatePersistence {
  return {
    restore() {
      const loaded = loadState(path, secretKey);
      if (!loaded) return;
      clock.restoreOffset(loaded.clockOffsetMs);
      store.restore(loaded.snapshot);
    },
    persist() {
      saveState(path, { clockOffsetMs: clock.offset, snapshot: store.snapshot() }, secretKey);
    },
  };
}
