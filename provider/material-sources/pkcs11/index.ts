// A key held in a PKCS#11 token as the source of key material: the HSM wraps it for the cloud (C_WrapKey) and
// digests it (check value or MAC computed inside); the material never leaves the HSM in plain.
// The native binding (pkcs11js) is loaded on first use, not with this module: a provider host whose stacks use no HSM
// neither pays its load nor fails for want of its build.
import { HsmSourceError } from './errors';
import type { TokenWrappingCapabilities } from './mechanisms';
import type { Pkcs11Source } from './source';
import type { WrappingAlgorithm } from '../../../core/wrapping';

export { checkPkcs11Source, describeSource, type Pkcs11Source, type TokenRef, type KeyRef } from './source';
export { HsmSourceError, type HsmFailure } from './errors';
export { DIGEST_METHODS, parseHsmDigest, type DigestMethod } from './digest-format';
export type { TokenWrappingCapabilities } from './mechanisms';

function load<T>(loader: () => T): T {
  try {
    return loader();
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0].slice(0, 200) : String(error).slice(0, 200);
    if (/pkcs11js|pkcs11\.node/.test(message)) {
      throw new HsmSourceError('ModuleLoadFailed', `the PKCS#11 binding pkcs11js could not be loaded (${message}); npm ci builds it, with a C++ compiler, make and python3 on the machine`);
    }
    throw error;
  }
}

// eslint-disable-next-line @typescript-eslint/no-var-requires
const wrapModule = () => load(() => require('./wrap') as typeof import('./wrap'));
// eslint-disable-next-line @typescript-eslint/no-var-requires
const digestModule = () => load(() => require('./digest') as typeof import('./digest'));

/** The source's key wrapped by the HSM under the cloud's public key (DER SPKI, or base64 / PEM text), for `algorithm`. */
export async function wrapWithHsm(source: Pkcs11Source, algorithm: WrappingAlgorithm | string, publicKey: Buffer | string): Promise<Buffer> {
  return wrapModule().wrapWithHsm(source, algorithm, publicKey);
}

/** Preview: the key is there and wrappable and the token can do `algorithm` (else MechanismMissing naming what it can). */
export async function checkHsmCanWrap(source: Pkcs11Source, algorithm: WrappingAlgorithm | string): Promise<void> {
  return wrapModule().checkHsmCanWrap(source, algorithm);
}

/** Our algorithms the token can and cannot do (with reasons) for the source's key, and its wrapping mechanisms. */
export async function hsmWrappingCapabilities(source: Pkcs11Source): Promise<TokenWrappingCapabilities> {
  return wrapModule().hsmWrappingCapabilities(source);
}

/** `pkcs11-<method>:<salt>:<mac>`, computed from a value the HSM derives from the key: record it as a secret. */
export async function digestHsmKey(source: Pkcs11Source, salt?: Buffer): Promise<string> {
  return digestModule().digestHsmKey(source, salt);
}

/** True when the token's key is the one `digest` was made of; HSM failures are thrown, never read as "no change". */
export async function hsmKeyMatchesDigest(source: Pkcs11Source, digest: string | undefined): Promise<boolean> {
  return digestModule().hsmKeyMatchesDigest(source, digest);
}
