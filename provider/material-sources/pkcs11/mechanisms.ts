// Which of our wrapping algorithms (core/wrapping's table) this token can do, asked of the token itself:
// C_GetMechanismList / C_GetMechanismInfo (CKF_WRAP), then a probe where the list cannot tell — a token may list
// CKM_RSA_PKCS_OAEP yet take only SHA-1 (SoftHSM 2.6 does), and CKM_AES_KEY_WRAP_PAD means RFC 5649 on some
// tokens and PKCS#7 padding on others. Probes use throwaway session objects of no value.
//
//   RSAES_OAEP_SHA_1 / _SHA_256   CKM_RSA_PKCS_OAEP, CK_RSA_PKCS_OAEP_PARAMS { hashAlg, MGF1 of the same hash, empty label }
//   RSAES_PKCS1_V1_5              CKM_RSA_PKCS
//   RSA_AES_KEY_WRAP_SHA_1 / _256 an ephemeral in-HSM AES-256 session key wraps the key with RFC 5649 (CKM_AES_KEY_WRAP_KWP,
//                                 or CKM_AES_KEY_WRAP_PAD once shown to be RFC 5649), CKM_RSA_PKCS_OAEP wraps the AES key;
//                                 output RSA(aesKey) ‖ KWP(key), as core/wrapping/aes-key-wrap.ts. (CKM_RSA_AES_KEY_WRAP does the
//                                 same in one call but needs CK_RSA_AES_KEY_WRAP_PARAMS, which the binding cannot pass.)
//   SM2PKE                        PKCS#11 names no SM2 mechanism: refused, naming what the token can do.
import { createCipheriv, generateKeyPairSync, type KeyObject } from 'node:crypto';
import * as pkcs11js from 'pkcs11js';
import { getWrappingAlgorithm, WRAPPING_ALGORITHMS, type WrappingAlgorithm } from '../../../core/wrapping';
import { ckrName, CKM_AES_KEY_WRAP_KWP, CKM_RSA_AES_KEY_WRAP, CKZ_DATA_SPECIFIED, mechanismName } from './constants';
import { ckrOf, hsmCallFailed } from './call-errors';
import { HsmSourceError } from './errors';
import { destroyQuietly, importWrappingPublicKey } from './public-key';
import type { HsmSession } from './session';

export type WrapPlan =
  | { kind: 'rsa'; mechanism: pkcs11js.Mechanism }
  /** Ephemeral AES-256 key: `kwp` wraps the key with it, `oaep` wraps it. */
  | { kind: 'rsa-aes'; oaep: pkcs11js.Mechanism; kwp: pkcs11js.Mechanism };

export type AlgorithmSupport =
  | { algorithm: WrappingAlgorithm; supported: true; plan: WrapPlan; how: string }
  | { algorithm: WrappingAlgorithm; supported: false; reason: string };

type OaepHash = 'sha1' | 'sha256';

export function oaepMechanism(hash: OaepHash): pkcs11js.Mechanism {
  const sha256 = hash === 'sha256';
  const parameter: pkcs11js.RsaOAEP = {
    type: pkcs11js.CK_PARAMS_RSA_OAEP,
    hashAlg: sha256 ? pkcs11js.CKM_SHA256 : pkcs11js.CKM_SHA_1,
    mgf: sha256 ? pkcs11js.CKG_MGF1_SHA256 : pkcs11js.CKG_MGF1_SHA1,
    source: CKZ_DATA_SPECIFIED,
  };
  return { mechanism: pkcs11js.CKM_RSA_PKCS_OAEP, parameter };
}

/** Return values that mean "this token does not do that mechanism or those parameters", as opposed to a failure. */
const NOT_OFFERED = new Set<number>([
  pkcs11js.CKR_MECHANISM_INVALID,
  pkcs11js.CKR_MECHANISM_PARAM_INVALID,
  pkcs11js.CKR_ARGUMENTS_BAD,
  pkcs11js.CKR_FUNCTION_NOT_SUPPORTED,
  pkcs11js.CKR_KEY_TYPE_INCONSISTENT,
  pkcs11js.CKR_WRAPPING_KEY_TYPE_INCONSISTENT,
  pkcs11js.CKR_TEMPLATE_INCONSISTENT,
  pkcs11js.CKR_ATTRIBUTE_VALUE_INVALID,
]);

let probeKey: KeyObject | undefined;
/** An RSA-2048 public key for probes (its private half is never used: a probe asks only whether the token accepts the call). */
function probePublicKey(): KeyObject {
  probeKey ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
  return probeKey;
}

/** The token's mechanisms, with their info, once per job. */
class TokenMechanisms {
  private readonly infos = new Map<number, pkcs11js.MechanismInfo>();
  private readonly probes = new Map<string, string | undefined>();
  private readonly objects: pkcs11js.Handle[] = [];
  private probeWrappingKey?: pkcs11js.Handle;
  private probeTarget?: pkcs11js.Handle;

  constructor(private readonly hsm: HsmSession) {
    let list: number[];
    try {
      list = hsm.pkcs11.C_GetMechanismList(hsm.slot);
    } catch (error) {
      throw hsmCallFailed(hsm.where, 'C_GetMechanismList', error);
    }
    for (const mechanism of list) {
      try {
        this.infos.set(mechanism, hsm.pkcs11.C_GetMechanismInfo(hsm.slot, mechanism));
      } catch {
        // listed but not described: treated as absent
      }
    }
  }

  has(mechanism: number, flag: number): boolean {
    const info = this.infos.get(mechanism);
    return info !== undefined && (info.flags & flag) !== 0;
  }

  /** Names of the mechanisms the token can wrap with (CKF_WRAP). */
  wrapMechanisms(): string[] {
    return [...this.infos.entries()].filter(([, info]) => (info.flags & pkcs11js.CKF_WRAP) !== 0).map(([m]) => mechanismName(m)).sort();
  }

  /** undefined when the probe passed; else why not. Cached per job. */
  probe(name: string, run: () => string | undefined): string | undefined {
    if (!this.probes.has(name)) {
      let outcome: string | undefined;
      try {
        outcome = run();
      } catch (error) {
        if (error instanceof HsmSourceError) throw error;
        const ckr = ckrOf(error);
        if (ckr === undefined || !NOT_OFFERED.has(ckr)) throw hsmCallFailed(this.hsm.where, `asking the token whether it can ${name}`, error);
        outcome = `the token refused ${name} (${ckrName(ckr)})`;
      }
      this.probes.set(name, outcome);
    }
    return this.probes.get(name);
  }

  private keep(handle: pkcs11js.Handle): pkcs11js.Handle {
    this.objects.push(handle);
    return handle;
  }

  /** A throwaway AES-256 session key, extractable, of no value. */
  generateSessionAesKey(extra: pkcs11js.Template = []): pkcs11js.Handle {
    return this.keep(generateEphemeralAesKey(this.hsm, extra));
  }

  probeOaep(hash: OaepHash): string | undefined {
    return this.probe(`RSA-OAEP-${hash.toUpperCase()} wrapping`, () => {
      this.probeWrappingKey ??= this.keep(importWrappingPublicKey(this.hsm, probePublicKey()));
      this.probeTarget ??= this.generateSessionAesKey();
      this.hsm.pkcs11.C_WrapKey(this.hsm.session, oaepMechanism(hash), this.probeWrappingKey, this.probeTarget, Buffer.alloc(512));
      return undefined;
    });
  }

  /**
   * CKM_AES_KEY_WRAP_PAD (or _KWP) against RFC 5649 as node:crypto computes it, for a key of `length` bytes, on values
   * of no worth. The length matters: SoftHSM 2.6's _PAD is RFC 5649 for lengths that are multiples of 8 but pads
   * other lengths itself first (a 20-byte key comes back as 24 bytes).
   */
  probeKwp(mechanism: number, length: number): string | undefined {
    return this.probe(`${mechanismName(mechanism)} as RFC 5649 for ${length}-byte keys`, () => {
      const kek = Buffer.alloc(32, 0x5a);
      const material = Buffer.alloc(length, 0xa5);
      const secret = (value: Buffer, keyType: number, extra: pkcs11js.Template) =>
        this.keep(
          this.hsm.pkcs11.C_CreateObject(this.hsm.session, [
            { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
            { type: pkcs11js.CKA_KEY_TYPE, value: keyType },
            { type: pkcs11js.CKA_TOKEN, value: false },
            { type: pkcs11js.CKA_VALUE, value },
            ...extra,
          ]),
        );
      const wrapping = secret(kek, pkcs11js.CKK_AES, [{ type: pkcs11js.CKA_WRAP, value: true }]);
      const target = secret(material, pkcs11js.CKK_GENERIC_SECRET, [{ type: pkcs11js.CKA_EXTRACTABLE, value: true }]);
      const got = this.hsm.pkcs11.C_WrapKey(this.hsm.session, { mechanism }, wrapping, target, Buffer.alloc(length + 64));
      const cipher = createCipheriv('id-aes256-wrap-pad', kek, Buffer.from('a65959a6', 'hex'));
      const expected = Buffer.concat([cipher.update(material), cipher.final()]);
      return got.equals(expected) ? undefined : `the token's ${mechanismName(mechanism)} is not RFC 5649 for ${length}-byte keys (it pads otherwise)`;
    });
  }

  close(): void {
    for (const handle of this.objects.splice(0)) destroyQuietly(this.hsm, handle);
  }
}

/** An AES-256 session key generated inside the token (CKA_TOKEN false), able to wrap and be wrapped, never readable in plain. */
export function generateEphemeralAesKey(hsm: HsmSession, extra: pkcs11js.Template = []): pkcs11js.Handle {
  return hsm.pkcs11.C_GenerateKey(hsm.session, { mechanism: pkcs11js.CKM_AES_KEY_GEN }, [
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
    { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_AES },
    { type: pkcs11js.CKA_TOKEN, value: false },
    { type: pkcs11js.CKA_PRIVATE, value: true },
    { type: pkcs11js.CKA_VALUE_LEN, value: 32 },
    { type: pkcs11js.CKA_SENSITIVE, value: true },
    { type: pkcs11js.CKA_EXTRACTABLE, value: true },
    { type: pkcs11js.CKA_WRAP, value: true },
    ...extra,
  ]);
}

function oaepHashOf(algorithm: WrappingAlgorithm): OaepHash {
  return algorithm.endsWith('SHA_256') ? 'sha256' : 'sha1';
}

function supportOf(mechanisms: TokenMechanisms, algorithm: WrappingAlgorithm, keyLength: number): AlgorithmSupport {
  const refuse = (reason: string): AlgorithmSupport => ({ algorithm, supported: false, reason });
  switch (algorithm) {
    case 'RSAES_OAEP_SHA_1':
    case 'RSAES_OAEP_SHA_256': {
      const hash = oaepHashOf(algorithm);
      if (!mechanisms.has(pkcs11js.CKM_RSA_PKCS_OAEP, pkcs11js.CKF_WRAP)) return refuse('the token lists no CKM_RSA_PKCS_OAEP that can wrap');
      const no = mechanisms.probeOaep(hash);
      if (no) return refuse(no);
      return { algorithm, supported: true, plan: { kind: 'rsa', mechanism: oaepMechanism(hash) }, how: `CKM_RSA_PKCS_OAEP with ${hash.toUpperCase()} and MGF1-${hash.toUpperCase()}` };
    }
    case 'RSAES_PKCS1_V1_5':
      if (!mechanisms.has(pkcs11js.CKM_RSA_PKCS, pkcs11js.CKF_WRAP)) return refuse('the token lists no CKM_RSA_PKCS that can wrap');
      return { algorithm, supported: true, plan: { kind: 'rsa', mechanism: { mechanism: pkcs11js.CKM_RSA_PKCS } }, how: 'CKM_RSA_PKCS' };
    case 'RSA_AES_KEY_WRAP_SHA_1':
    case 'RSA_AES_KEY_WRAP_SHA_256': {
      const hash = oaepHashOf(algorithm);
      if (!mechanisms.has(pkcs11js.CKM_AES_KEY_GEN, pkcs11js.CKF_GENERATE)) return refuse('the token lists no CKM_AES_KEY_GEN for the ephemeral AES key');
      const kwpMechanism = [CKM_AES_KEY_WRAP_KWP, pkcs11js.CKM_AES_KEY_WRAP_PAD].find((m) => mechanisms.has(m, pkcs11js.CKF_WRAP));
      if (kwpMechanism === undefined) {
        return refuse(`the token lists neither CKM_AES_KEY_WRAP_KWP nor CKM_AES_KEY_WRAP_PAD that can wrap${mechanisms.has(CKM_RSA_AES_KEY_WRAP, pkcs11js.CKF_WRAP) ? ' (it lists CKM_RSA_AES_KEY_WRAP, whose parameters the PKCS#11 binding cannot pass)' : ''}`);
      }
      const noKwp = mechanisms.probeKwp(kwpMechanism, keyLength);
      if (noKwp) return refuse(noKwp);
      if (!mechanisms.has(pkcs11js.CKM_RSA_PKCS_OAEP, pkcs11js.CKF_WRAP)) return refuse('the token lists no CKM_RSA_PKCS_OAEP that can wrap (for the ephemeral AES key)');
      const noOaep = mechanisms.probeOaep(hash);
      if (noOaep) return refuse(noOaep);
      return {
        algorithm,
        supported: true,
        plan: { kind: 'rsa-aes', oaep: oaepMechanism(hash), kwp: { mechanism: kwpMechanism } },
        how: `ephemeral in-HSM AES-256 key: ${mechanismName(kwpMechanism)} of the key, CKM_RSA_PKCS_OAEP-${hash.toUpperCase()} of the AES key`,
      };
    }
    case 'SM2PKE':
      return refuse('PKCS#11 defines no SM2 encryption mechanism and this token lists none the provider knows');
  }
}

/** Runs `job` with the token's mechanisms, removing the probes' session objects after. */
function withMechanisms<T>(hsm: HsmSession, job: (mechanisms: TokenMechanisms) => T): T {
  const mechanisms = new TokenMechanisms(hsm);
  try {
    return job(mechanisms);
  } finally {
    mechanisms.close();
  }
}

export interface TokenWrappingCapabilities {
  /** Our algorithms this token can do, and how. */
  supported: { algorithm: WrappingAlgorithm; how: string }[];
  /** Those it cannot, each with the reason. */
  refused: { algorithm: WrappingAlgorithm; reason: string }[];
  /** The token's mechanisms with CKF_WRAP, by name. */
  wrapMechanisms: string[];
}

/** For keys of `keyLength` bytes (the RFC 5649 probe depends on it; 32 for AES-256). */
export function tokenWrappingCapabilities(hsm: HsmSession, keyLength = 32): TokenWrappingCapabilities {
  return withMechanisms(hsm, (mechanisms) => {
    const all = WRAPPING_ALGORITHMS.map((algorithm) => supportOf(mechanisms, algorithm, keyLength));
    return {
      supported: all.flatMap((s) => (s.supported ? [{ algorithm: s.algorithm, how: s.how }] : [])),
      refused: all.flatMap((s) => (s.supported ? [] : [{ algorithm: s.algorithm, reason: s.reason }])),
      wrapMechanisms: mechanisms.wrapMechanisms(),
    };
  });
}

/** The plan for `algorithm` and a key of `keyLength` bytes on this token, or MechanismMissing naming the algorithms the token can do. */
export function requireAlgorithm(hsm: HsmSession, algorithmName: WrappingAlgorithm | string, keyLength: number): WrapPlan {
  const algorithm = getWrappingAlgorithm(algorithmName).name; // UnsupportedAlgorithm for a name not in the table
  return withMechanisms(hsm, (mechanisms) => {
    const support = supportOf(mechanisms, algorithm, keyLength);
    if (support.supported) return support.plan;
    const can = WRAPPING_ALGORITHMS.filter((other) => other !== algorithm && supportOf(mechanisms, other, keyLength).supported);
    throw new HsmSourceError(
      'MechanismMissing',
      `${hsm.where}: the token cannot wrap with ${algorithm}: ${support.reason}; for this ${keyLength}-byte key this token can do ${can.length > 0 ? can.join(', ') : 'none of the wrapping algorithms'} (choose one the cloud also accepts)`,
    );
  });
}
