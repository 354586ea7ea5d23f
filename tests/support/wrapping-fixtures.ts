// TEST ONLY: wrapping key pairs and an openssl runner shared by the wrapping tests.
// Keys are generated once per mocha process (RSA-4096 generation takes a while).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateWrappingKeyPair, type WrappingKeyPair, type WrappingKeySpec } from '../../core/wrapping';

export const RSA_SPECS = ['RSA_2048', 'RSA_3072', 'RSA_4096'] as const;

const pairs = new Map<WrappingKeySpec, WrappingKeyPair>();

export function keyPair(spec: WrappingKeySpec): WrappingKeyPair {
  let pair = pairs.get(spec);
  if (!pair) {
    pair = generateWrappingKeyPair(spec);
    pairs.set(spec, pair);
  }
  return pair;
}

/** A temporary directory under os.tmpdir(); call remove() in after(). */
export function tempDir(): { dir: string; file: (name: string) => string; write: (name: string, data: Buffer | string) => string; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imported-key-wrapping-'));
  return {
    dir,
    file: (name) => path.join(dir, name),
    write: (name, data) => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, data);
      return file;
    },
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** Runs the openssl CLI and returns its stdout (throws with stderr on a non-zero exit). */
export function openssl(args: string[], input?: Buffer): Buffer {
  return execFileSync('openssl', args, { input, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Every way the material could show up in text: raw, hex, base64, base64url. */
export function materialForms(material: Buffer): string[] {
  return [material.toString('hex'), material.toString('hex').toUpperCase(), material.toString('base64'), material.toString('base64url'), material.toString('latin1')];
}

/** Asserts no form of the material appears in the error's message, stack or JSON. */
export function assertNoMaterial(error: unknown, material: Buffer): void {
  const e = error as Error;
  const text = [String(e?.message), String(e?.stack), JSON.stringify(e), String((e as { cause?: unknown })?.cause ?? '')].join('\n');
  for (const form of materialForms(material)) {
    if (form.length >= 8 && text.includes(form)) throw new Error('error text contains the key material');
  }
}

/** Runs fn, asserts it throws an ImportedKeyError with `code` whose message matches every pattern; returns it. */
export function expectError(fn: () => unknown, code: string, ...patterns: RegExp[]): Error & { code: string } {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  if (thrown === undefined) throw new Error(`expected an ImportedKeyError ${code}, but nothing was thrown`);
  const e = thrown as Error & { code: string; name: string };
  if (e.name !== 'ImportedKeyError' || e.code !== code) throw new Error(`expected ImportedKeyError ${code}, got ${e.name} ${e.code}: ${e.message}`);
  for (const pattern of patterns) {
    if (!pattern.test(e.message)) throw new Error(`message ${JSON.stringify(e.message)} does not match ${pattern}`);
  }
  return e;
}
