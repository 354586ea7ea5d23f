// The stack's state between runs, in one JSON file: stack config and resources. Like Pulumi's
// passphrase secrets manager, every secret is stored as ciphertext under a key derived from the
// passphrase, so secret inputs (key material) never sit in the file in plaintext.

import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { isObject, isSecret, PropertyMap, PropertyValue, SECRET_SIG, SPECIAL_SIG_KEY } from './properties';

export interface ResourceState {
  urn: string;
  type: string;
  name: string;
  custom: boolean;
  id?: string;
  /** Checked inputs, secrets marked. */
  inputs: PropertyMap;
  /** Outputs, secrets marked. */
  outputs: PropertyMap;
  parent?: string;
  /** Set on a resource whose create failed after the provider made it (pulumi's InitErrors). */
  initErrors?: string[];
  /** The `protect` option: the engine refuses to delete or replace it. */
  protect?: boolean;
  /** The `retainOnDelete` option: deleting it only drops it from the state. */
  retainOnDelete?: boolean;
  /** Read with `Resource.get`: the stack does not own it, so destroy does not delete it. */
  external?: boolean;
  deleteBeforeReplace?: boolean;
  additionalSecretOutputs?: string[];
  /** Replaced (create-before-delete) and waiting to be deleted (pulumi's `delete: true`). */
  pendingDelete?: boolean;
}

export interface ConfigEntry {
  value: string;
  secret: boolean;
}

export interface StackState {
  version: 1;
  project: string;
  stack: string;
  config: Record<string, ConfigEntry>;
  resources: ResourceState[];
}

/** What the file holds: the same, with secrets as ciphertext. */
interface StoredFile {
  version: 1;
  project: string;
  stack: string;
  /** scrypt salt for the passphrase key, base64. */
  encryptionSalt: string;
  config: Record<string, string | { secure: string }>;
  resources: Array<Omit<ResourceState, 'inputs' | 'outputs'> & { inputs: PropertyMap; outputs: PropertyMap }>;
}

export class SecretsCrypter {
  private readonly key: Buffer;
  constructor(passphrase: string, readonly salt: Buffer) {
    this.key = crypto.scryptSync(passphrase, salt, 32);
  }
  encrypt(plaintext: string): string {
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.key, iv);
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `v1:${Buffer.concat([iv, cipher.getAuthTag(), ct]).toString('base64')}`;
  }
  decrypt(sealed: string): string {
    const raw = Buffer.from(sealed.replace(/^v1:/, ''), 'base64');
    const decipher = crypto.createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    try {
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    } catch {
      throw new Error('cannot decrypt the stack\'s secrets: wrong passphrase (PULUMI_CONFIG_PASSPHRASE)?');
    }
  }
  sealValue(v: PropertyValue): PropertyValue {
    if (isSecret(v)) return { [SPECIAL_SIG_KEY]: SECRET_SIG, ciphertext: this.encrypt(JSON.stringify(v.value)) };
    if (Array.isArray(v)) return v.map((x) => this.sealValue(x));
    if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, this.sealValue(x)]));
    return v;
  }
  openValue(v: PropertyValue): PropertyValue {
    if (isObject(v) && v[SPECIAL_SIG_KEY] === SECRET_SIG && typeof v.ciphertext === 'string') {
      return { [SPECIAL_SIG_KEY]: SECRET_SIG, value: JSON.parse(this.decrypt(v.ciphertext)) as PropertyValue };
    }
    if (Array.isArray(v)) return v.map((x) => this.openValue(x));
    if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, this.openValue(x)]));
    return v;
  }
}

export class StateFile {
  constructor(readonly file: string, private readonly passphrase: string) {}

  exists(): boolean {
    return fs.existsSync(this.file);
  }

  load(project: string, stack: string): StackState {
    if (!this.exists()) return { version: 1, project, stack, config: {}, resources: [] };
    const stored = JSON.parse(fs.readFileSync(this.file, 'utf8')) as StoredFile;
    const crypter = new SecretsCrypter(this.passphrase, Buffer.from(stored.encryptionSalt, 'base64'));
    const config: Record<string, ConfigEntry> = {};
    for (const [k, v] of Object.entries(stored.config ?? {})) {
      config[k] = typeof v === 'string' ? { value: v, secret: false } : { value: crypter.decrypt(v.secure), secret: true };
    }
    return {
      version: 1,
      project: stored.project,
      stack: stored.stack,
      config,
      resources: stored.resources.map((r) => ({
        ...r,
        inputs: crypter.openValue(r.inputs) as PropertyMap,
        outputs: crypter.openValue(r.outputs) as PropertyMap,
      })),
    };
  }

  /** Atomic: write a temporary file, then rename, so a crash never leaves half a state. */
  save(state: StackState): void {
    const salt = this.exists()
      ? Buffer.from((JSON.parse(fs.readFileSync(this.file, 'utf8')) as StoredFile).encryptionSalt, 'base64')
      : crypto.randomBytes(16);
    const crypter = new SecretsCrypter(this.passphrase, salt);
    const stored: StoredFile = {
      version: 1,
      project: state.project,
      stack: state.stack,
      encryptionSalt: salt.toString('base64'),
      config: Object.fromEntries(
        Object.entries(state.config).map(([k, e]) => [k, e.secret ? { secure: crypter.encrypt(e.value) } : e.value]),
      ),
      resources: state.resources.map((r) => ({
        ...r,
        inputs: crypter.sealValue(r.inputs) as PropertyMap,
        outputs: crypter.sealValue(r.outputs) as PropertyMap,
      })),
    };
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
    fs.renameSync(tmp, this.file);
  }
}
