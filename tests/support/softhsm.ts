// TEST ONLY: throwaway SoftHSM2 tokens. Each token lives in its own temporary directory with its own softhsm2.conf
// (SOFTHSM2_CONF points there while it exists); keys are made through pkcs11js (a chosen value, so a test knows what
// the HSM holds) or with OpenSC's pkcs11-tool (generated inside the token). remove() deletes the directory and restores
// SOFTHSM2_CONF. Without softhsm2 the suites are skipped, saying why — except with CI set, where that fails.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { strict as assert } from 'node:assert';
import { inspect } from 'node:util';
import * as pkcs11js from 'pkcs11js';
import { HsmSourceError, type HsmFailure } from '../../provider/material-sources/pkcs11';

const MODULE_CANDIDATES = ['/usr/lib/softhsm/libsofthsm2.so', '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so', '/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so', '/usr/local/lib/softhsm/libsofthsm2.so'];

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir !== '' && fs.existsSync(path.join(dir, command)));
}

/** The SoftHSM2 PKCS#11 library, when softhsm2 (and OpenSC's pkcs11-tool) are installed. */
export function softHsmModule(): string | undefined {
  if (!onPath('softhsm2-util') || !onPath('pkcs11-tool')) return undefined;
  return MODULE_CANDIDATES.find((file) => fs.existsSync(file));
}

/** `describe`, or a skip saying why when softhsm2 is absent; with CI set its absence fails instead. */
export function describeWithSoftHsm(title: string, define: (module: string) => void): void {
  const module = softHsmModule();
  if (module) {
    describe(title, () => define(module));
  } else if (process.env.CI) {
    describe(title, () => {
      it('has SoftHSM2 and pkcs11-tool (CI never skips the PKCS#11 tests: .ci/run installs softhsm2 and opensc)', () => {
        throw new Error('softhsm2-util, pkcs11-tool or libsofthsm2.so missing: apt-get install softhsm2 opensc');
      });
    });
  } else {
    describe.skip(`${title} (skipped: softhsm2 / pkcs11-tool not installed — apt-get install softhsm2 opensc)`, () => define('/nonexistent'));
  }
}

export interface AesKeyOptions {
  label: string;
  /** Hexadecimal CKA_ID. */
  id?: string;
  /** The key's value (a known value lets a test check what the HSM wrapped); 32 bytes unless generic. */
  value: Buffer;
  sensitive?: boolean;
  extractable?: boolean;
  sign?: boolean;
  encrypt?: boolean;
  wrapWithTrusted?: boolean;
}

export interface SoftHsmToken {
  module: string;
  label: string;
  pin: string;
  dir: string;
  /** The token's slot id (softhsm2 reassigns it at init). */
  slot: number;
  /** Creates a token AES key with a chosen value (C_CreateObject). */
  createAesKey(options: AesKeyOptions): void;
  /** Generates an AES-256 key inside the token with OpenSC's pkcs11-tool (extractable, sensitive). */
  generateAesKeyWithPkcs11Tool(label: string, id: string): void;
  /** C_GetAttributeValue(CKA_VALUE) of a key, or the CKR name the token answered instead. */
  readValue(label: string): Buffer | string;
  /** Another token in the same store (same SOFTHSM2_CONF), with the same PIN; removed with this one. */
  addToken(label?: string): SoftHsmToken;
  /** Deletes the store (and every token added to it), restoring SOFTHSM2_CONF. */
  remove(): void;
}

let counter = 0;

/** Runs `job` on a logged-in R/W session of the token (the test's own use of the binding). */
function withSession<T>(module: string, slotId: number, pin: string, job: (p: pkcs11js.PKCS11, session: pkcs11js.Handle) => T): T {
  const p = new pkcs11js.PKCS11();
  p.load(module);
  p.C_Initialize();
  try {
    const slot = p.C_GetSlotList(true).find((s) => s.readUIntLE(0, Math.min(6, s.length)) === slotId);
    if (!slot) throw new Error(`test token slot ${slotId} not found`);
    const session = p.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
    p.C_Login(session, pkcs11js.CKU_USER, pin);
    try {
      return job(p, session);
    } finally {
      p.C_Logout(session);
      p.C_CloseSession(session);
    }
  } finally {
    p.C_Finalize();
    p.close();
  }
}

/** A fresh initialized token in its own temporary SoftHSM2 store. */
export function createSoftHsmToken(module: string, options: { label?: string; pin?: string } = {}): SoftHsmToken {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imported-key-softhsm-'));
  const tokens = path.join(dir, 'tokens');
  fs.mkdirSync(tokens);
  const conf = path.join(dir, 'softhsm2.conf');
  fs.writeFileSync(conf, `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`);
  const previousConf = process.env.SOFTHSM2_CONF;
  process.env.SOFTHSM2_CONF = conf;
  const pin = options.pin ?? `test-pin-${process.pid}-${++counter}-q7`;
  const remove = () => {
    if (previousConf === undefined) delete process.env.SOFTHSM2_CONF;
    else process.env.SOFTHSM2_CONF = previousConf;
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return initToken(module, dir, conf, options.label ?? `ik-test-${process.pid}-${++counter}`, pin, remove);
}

function initToken(module: string, dir: string, conf: string, label: string, pin: string, remove: () => void): SoftHsmToken {
  const env = { ...process.env, SOFTHSM2_CONF: conf };
  const out = execFileSync('softhsm2-util', ['--init-token', '--free', '--label', label, '--pin', pin, '--so-pin', `${pin}-so`], { env, encoding: 'utf8' });
  const match = /reassigned to slot (\d+)/.exec(out);
  if (!match) throw new Error(`softhsm2-util did not say the slot: ${out}`);
  const slot = Number(match[1]);
  return {
    module,
    label,
    pin,
    dir,
    slot,
    createAesKey(key) {
      withSession(module, slot, pin, (p, session) => {
        const aes = key.value.length === 16 || key.value.length === 24 || key.value.length === 32;
        p.C_CreateObject(session, [
          { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
          { type: pkcs11js.CKA_KEY_TYPE, value: aes ? pkcs11js.CKK_AES : pkcs11js.CKK_GENERIC_SECRET },
          { type: pkcs11js.CKA_TOKEN, value: true },
          { type: pkcs11js.CKA_PRIVATE, value: true },
          { type: pkcs11js.CKA_LABEL, value: key.label },
          ...(key.id ? [{ type: pkcs11js.CKA_ID, value: Buffer.from(key.id, 'hex') }] : []),
          { type: pkcs11js.CKA_VALUE, value: key.value },
          { type: pkcs11js.CKA_SENSITIVE, value: key.sensitive ?? false },
          { type: pkcs11js.CKA_EXTRACTABLE, value: key.extractable ?? true },
          { type: pkcs11js.CKA_SIGN, value: key.sign ?? false },
          { type: pkcs11js.CKA_ENCRYPT, value: key.encrypt ?? false },
          { type: pkcs11js.CKA_WRAP_WITH_TRUSTED, value: key.wrapWithTrusted ?? false },
        ]);
      });
    },
    generateAesKeyWithPkcs11Tool(keyLabel, id) {
      execFileSync(
        'pkcs11-tool',
        ['--module', module, '--slot', String(slot), '--login', '--pin', pin, '--keygen', '--key-type', 'AES:32', '--label', keyLabel, '--id', id, '--extractable', '--sensitive'],
        { env, stdio: 'ignore' },
      );
    },
    readValue(keyLabel) {
      return withSession(module, slot, pin, (p, session) => {
        p.C_FindObjectsInit(session, [{ type: pkcs11js.CKA_LABEL, value: keyLabel }]);
        const handle = p.C_FindObjects(session);
        p.C_FindObjectsFinal(session);
        if (!handle) throw new Error(`no key ${keyLabel}`);
        try {
          return p.C_GetAttributeValue(session, handle, [{ type: pkcs11js.CKA_VALUE }])[0].value;
        } catch (error) {
          return (error as Error).message;
        }
      });
    },
    addToken(other) {
      return initToken(module, dir, conf, other ?? `ik-test-${process.pid}-${++counter}`, pin, remove);
    },
    remove,
  };
}

/** Asserts an HsmSourceError of `reason` whose message matches `message` and whose every rendering lacks `secrets`. */
export async function assertRefused(run: () => Promise<unknown>, reason: HsmFailure, message: RegExp, secrets: string[]): Promise<void> {
  let caught: unknown;
  try {
    await run();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof HsmSourceError, `expected an HsmSourceError, got ${inspect(caught)}`);
  assert.equal(caught.reason, reason, caught.message);
  assert.match(caught.message, message);
  const renderings = [caught.message, caught.stack ?? '', inspect(caught, { depth: 5, showHidden: true }), JSON.stringify(caught)];
  for (const secret of secrets) for (const text of renderings) assert.ok(!text.includes(secret), `the error shows a secret: ${text}`);
}

