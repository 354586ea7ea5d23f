// Ping An Cloud KMS operations on the shared store: Ping An's parameters in (wire.ts), its flat replies out. The store
// enforces the key rules (states, tokens bound to one key, the same-material rule, expiry); this module checks
// parameters and shapes replies. Operations documented by Ping An follow its pages; the field names of
// GetParametersForImport and ImportKeyMaterial, EnableKey, CancelKeyDeletion and Encrypt follow kms-apis.md's
// assumptions (Alibaba's by analogy).

import { createPublicKey, randomBytes } from 'node:crypto';
import { decryptWithMaterial, encryptWithMaterial, keyIdOfCiphertext } from '../../key-crypto';
import type { KeyStore, StoredKey } from '../../store';
import type { WrappingAlgorithm } from '../../../core/wrapping';
import { pinganErrors } from './errors';
import {
  CLOUD, dateString, encryptionContext, hexOrBase64, hexParam, KEY_ID, keyMetadata, oneOf, optionalInteger, requireParam,
  type Params, type PinganDialect,
} from './wire';

const WRAPPING_ALGORITHMS: readonly WrappingAlgorithm[] = ['RSAES_PKCS1_V1_5', 'RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256'];
const WRAPPING_KEY_SPECS = ['RSA_2048'] as const;
/** CreateCmk's `algorithm` (documented for the finance cloud: RSA, the default, or SM2); kept, not used. */
const CMK_ALGORITHMS = ['RSA', 'SM2'] as const;
const DESCRIPTION_MAX = 8192;
const MAX_PLAINTEXT_BYTES = 6144;
const DATA_KEY_BYTES = { AES_256: 32, AES_128: 16 } as const;
/** Seconds: anything larger is milliseconds sent by mistake (1e11 s is the year 5138). */
const MAX_EXPIRE_UNIX = 1e11 - 1;

export interface Call {
  params: Params;
  /** Where the keys live: the region (wire.ts regionOf). */
  namespace: string;
  store: KeyStore;
  dialect: PinganDialect;
  /** The key the request named (keyId), once found: a store refusal is told in that key's state. */
  resolved?: StoredKey;
}
type Handler = (call: Call) => Record<string, unknown>;

function refOf(key: StoredKey) {
  return { cloud: CLOUD, namespace: key.namespace, keyId: key.id };
}

/** The key `keyId` names in this region; `described`: as a describe sees it (eventual consistency). */
function resolveKey(call: Call, described = false): StoredKey {
  const keyId = requireParam(call.params, 'keyId');
  if (!KEY_ID.test(keyId)) throw pinganErrors.invalidParameter('keyId', 'a key id as CreateCmk returned it (a lowercase UUID)');
  const key = described ? call.store.describeKey(CLOUD, call.namespace, keyId) : call.store.findKey(CLOUD, call.namespace, keyId);
  if (!key) throw pinganErrors.keyNotFound(keyId);
  call.resolved = key;
  return key;
}

function encrypt(call: Call, key: StoredKey, plaintext: Buffer): string {
  const context = encryptionContext(call.params); // a bad parameter is named before the key's state is
  const { material } = call.store.materialForUse(refOf(key));
  return encryptWithMaterial(key.id, material, plaintext, context).toString('base64');
}

export const OPERATIONS: Record<string, Handler> = {
  CreateCmk(call) {
    const { params, store } = call;
    const origin = oneOf(params, 'origin', ['0', '1'], '0');
    const keyUsage = oneOf(params, 'keyUsage', ['0'], '0');
    const algorithm = oneOf(params, 'algorithm', CMK_ALGORITHMS, 'RSA');
    const description = params.description ?? '';
    if (description.length > DESCRIPTION_MAX) throw pinganErrors.invalidParameter('description', `at most ${DESCRIPTION_MAX} characters`);
    const alias = params.alias ?? '';
    if (alias !== '') {
      if (alias.length > 255 || /[\u0000-\u001f\u007f]/.test(alias)) throw pinganErrors.invalidParameter('alias', '1 to 255 characters, no control characters');
      if (store.listKeys(CLOUD, call.namespace).some((k) => k.attributes.alias === alias)) throw pinganErrors.aliasExists(alias);
    }
    const external = origin === '1';
    const key = store.createKey({
      cloud: CLOUD,
      namespace: call.namespace,
      origin: external ? 'EXTERNAL' : 'PLATFORM',
      external,
      keySpec: 'AES_256',
      keyUsage: 'ENCRYPT/DECRYPT',
      description,
      attributes: { alias, algorithm, keyUsage: Number(keyUsage) },
      generatedMaterial: external ? undefined : randomBytes(32),
    });
    return { keyMetadata: keyMetadata(key, call.dialect) };
  },

  // As a describe sees it: a change may still be on its way (emulator/consistency.ts).
  DescribeKey: (call) => ({ keyMetadata: keyMetadata(resolveKey(call, true), call.dialect) }),

  GetParametersForImport(call) {
    const key = resolveKey(call);
    const algorithm = oneOf(call.params, 'wrappingAlgorithm', WRAPPING_ALGORITHMS);
    const spec = oneOf(call.params, 'wrappingKeySpec', WRAPPING_KEY_SPECS);
    const minted = call.store.createImportParameters(refOf(key), algorithm, spec);
    const publicKey = call.dialect.publicKey === 'pkcs1'
      ? (createPublicKey({ key: minted.publicKeyDer, format: 'der', type: 'spki' }).export({ format: 'der', type: 'pkcs1' }) as Buffer)
      : minted.publicKeyDer;
    const tokenExpireTime = call.dialect.tokenExpireTime === 'epochMillis' ? minted.validTo : dateString(minted.validTo, call.dialect);
    const names = call.dialect.importParameterFields === 'alibaba'
      ? { publicKey: 'PublicKey', importToken: 'ImportToken', tokenExpireTime: 'TokenExpireTime' }
      : { publicKey: 'publicKey', importToken: 'importToken', tokenExpireTime: 'tokenExpireTime' };
    return {
      keyId: key.id,
      [names.publicKey]: publicKey.toString('hex'),
      [names.importToken]: minted.importToken.toString('hex'),
      [names.tokenExpireTime]: tokenExpireTime,
    };
  },

  ImportKeyMaterial(call) {
    const key = resolveKey(call);
    const importToken = hexParam(call.params, 'importToken', 'hexadecimal, as GetParametersForImport returned it');
    const encryptedKeyMaterial = hexOrBase64(call.params, 'encryptedKeyMaterial');
    const expireUnix = optionalInteger(call.params, 'keyMaterialExpireUnix', 0, MAX_EXPIRE_UNIX,
      'seconds since 1970 (not milliseconds), or 0 for never') ?? 0;
    call.store.importMaterial(refOf(key), {
      importToken,
      encryptedKeyMaterial,
      expiresAt: expireUnix === 0 ? undefined : expireUnix * 1000,
      // The same material may come again, in place, to change its expiry; other material never (kms-apis.md).
      reimport: 'in-place',
    });
    return {};
  },

  DeleteKeyMaterial(call) {
    call.store.deleteMaterial(refOf(resolveKey(call)));
    return {};
  },

  EnableKey(call) {
    call.store.enableKey(refOf(resolveKey(call)));
    return {};
  },

  DisableKey(call) {
    call.store.disableKey(refOf(resolveKey(call)));
    return {};
  },

  ScheduleKeyDeletion(call) {
    const key = resolveKey(call);
    const allowed = 'a whole number of days from 7 to 30';
    const days = optionalInteger(call.params, 'pendingWindowInDays', 7, 30, allowed);
    if (days === undefined) throw pinganErrors.missingParameter('pendingWindowInDays');
    call.store.scheduleDeletion(refOf(key), days);
    return {};
  },

  CancelKeyDeletion(call) {
    call.store.cancelDeletion(refOf(resolveKey(call)));
    return {};
  },

  Encrypt(call) {
    const key = resolveKey(call);
    const plaintext = Buffer.from(requireParam(call.params, 'plainText'), 'utf8');
    if (plaintext.length > MAX_PLAINTEXT_BYTES) throw pinganErrors.invalidParameter('plainText', `at most ${MAX_PLAINTEXT_BYTES} bytes`);
    return { keyId: key.id, cipherTextBlob: encrypt(call, key, plaintext) };
  },

  /** The data key travels as base64 text, and is encrypted as that text: Decrypt gives back the same plainText. */
  GenerateDataKey(call) {
    const key = resolveKey(call);
    const bytes = optionalInteger(call.params, 'numberOfBytes', 1, 1024, 'a whole number from 1 to 1024')
      ?? DATA_KEY_BYTES[oneOf(call.params, 'keySpec', ['AES_256', 'AES_128'] as const, 'AES_256')];
    const plainText = randomBytes(bytes).toString('base64');
    return { keyId: key.id, cipherTextBlob: encrypt(call, key, Buffer.from(plainText, 'utf8')), plainText };
  },

  Decrypt(call) {
    const text = requireParam(call.params, 'cipherTextBlob');
    const blob = /^[A-Za-z0-9+/]+={0,2}$/.test(text) ? Buffer.from(text, 'base64') : Buffer.alloc(0);
    const keyId = keyIdOfCiphertext(blob);
    if (!keyId) throw pinganErrors.invalidCiphertext();
    const key = call.store.findKey(CLOUD, call.namespace, keyId);
    if (!key) throw pinganErrors.keyNotFound(keyId);
    const context = encryptionContext(call.params);
    const { material } = call.store.materialForUse(refOf(key));
    let plaintext: Buffer;
    try {
      plaintext = decryptWithMaterial(key.id, material, blob, context);
    } catch {
      throw pinganErrors.invalidCiphertext();
    }
    return { keyId: key.id, plainText: plaintext.toString('utf8') };
  },
};
