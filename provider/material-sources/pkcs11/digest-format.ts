// The shape of an HSM key digest, "pkcs11-<method>:<salt hex>:<mac hex>", readable without the binding.

/** Where the HSM's value comes from, in the order tried: CKA_CHECK_VALUE, AES-CMAC of a fixed block, AES-ECB of the zero block. */
export const DIGEST_METHODS = ['kcv', 'cmac', 'ecb'] as const;
export type DigestMethod = (typeof DIGEST_METHODS)[number];

/** The method and salt of a digest from digestHsmKey, or undefined for anything else. */
export function parseHsmDigest(digest: string | undefined): { method: DigestMethod; salt: Buffer } | undefined {
  const parts = typeof digest === 'string' ? digest.split(':') : [];
  if (parts.length !== 3 || !parts[0].startsWith('pkcs11-')) return undefined;
  const method = parts[0].slice('pkcs11-'.length) as DigestMethod;
  if (!DIGEST_METHODS.includes(method) || !/^[0-9a-f]{32}$/.test(parts[1]) || !/^[0-9a-f]{64}$/.test(parts[2])) return undefined;
  return { method, salt: Buffer.from(parts[1], 'hex') };
}
