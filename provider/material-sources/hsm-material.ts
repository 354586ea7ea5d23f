// The key material of a PKCS#11 source as the provider's steps handle it: never its bytes. It wraps (the HSM does,
// C_WrapKey), and it answers "is this the material of that recorded digest?" for the digests the step may ask about,
// found out inside the HSM when the material was opened (so that the steps' digest comparisons stay synchronous).
import type { WrappingAlgorithm } from '../../core/wrapping';
import { ImportedKeyError } from '../../core/errors';
import { checkHsmCanWrap, digestHsmKey, hsmKeyMatchesDigest, wrapWithHsm, type Pkcs11Source } from './pkcs11';
import { describeSource } from './pkcs11/source';

/** The salt of the creation token's key (creation-token.ts): fixed, so that every attempt of a create finds the same token. */
const TOKEN_SALT = Buffer.alloc(16, 0x5a);

export class HsmMaterial {
  private constructor(
    readonly source: Pkcs11Source,
    /** A digest with a fresh salt: what a step records for a new import. */
    readonly freshDigest: string,
    /** The recorded digests this key matches (asked of the HSM when opened). */
    private readonly matching: ReadonlySet<string>,
    /** A stable secret of this key (the creation token's HMAC key); not the material. */
    readonly tokenKey: Buffer,
  ) {}

  /** Opens the source: the key is there, wrappable with `algorithm` (when given), and compared with `recorded` digests. */
  static async open(source: Pkcs11Source, algorithm: string | undefined, recorded: readonly (string | undefined)[]): Promise<HsmMaterial> {
    if (algorithm) await checkHsmCanWrap(source, algorithm);
    const matching = new Set<string>();
    for (const digest of new Set(recorded)) {
      if (digest !== undefined && digest.startsWith('pkcs11-') && await hsmKeyMatchesDigest(source, digest)) matching.add(digest);
    }
    const fresh = await digestHsmKey(source);
    const tokenKey = Buffer.from(await digestHsmKey(source, TOKEN_SALT));
    return new HsmMaterial(source, fresh, matching, tokenKey);
  }

  describe(): string {
    return describeSource(this.source);
  }

  matches(digest: string | undefined): boolean {
    return digest !== undefined && (digest === this.freshDigest || this.matching.has(digest));
  }

  /** The fresh digest; a given salt is not supported (only the recorded digests were asked of the HSM). */
  digest(salt?: Buffer): string {
    if (salt !== undefined) throw new ImportedKeyError('InvalidArgument', `${this.describe()}: a digest with a given salt is asked of the HSM when the source is opened`);
    return this.freshDigest;
  }

  async wrap(algorithm: WrappingAlgorithm | string, publicKey: Buffer): Promise<Buffer> {
    return wrapWithHsm(this.source, algorithm, publicKey);
  }
}
