// Benchmark (not a test): wraps per second for each algorithm and RSA size, node:crypto (what
// wrapKeyMaterial uses) against node-forge where node-forge can do the same thing.
// Run: npx ts-node bench/wrapping.ts for the table (BENCH_MS=<ms per measurement>, default 400); `npm run bench`
// (bench/run.ts) takes wrapsPerSecond() into bench/results.json as wrap.<algorithm>.perSecond.
import { randomBytes } from 'node:crypto';
import forge from 'node-forge';
import { decodePublicKey, generateWrappingKeyPair, wrapKeyMaterial, WRAPPING_ALGORITHMS, type WrappingAlgorithm, type WrappingKeySpec } from '../core/wrapping';

const BUDGET_MS = Number(process.env.BENCH_MS ?? 400);

/** Runs fn repeatedly for about BUDGET_MS after a short warm-up; returns operations per second. */
function opsPerSecond(fn: () => void): number {
  for (let i = 0; i < 5; i++) fn();
  let count = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(BUDGET_MS) * 1_000_000n;
  let now = start;
  while (now < deadline) {
    fn();
    count++;
    now = process.hrtime.bigint();
  }
  return count / (Number(now - start) / 1e9);
}

type ForgeScheme = 'RSA-OAEP' | 'RSAES-PKCS1-V1_5';

function forgeWrapper(publicKeyDer: Buffer, algorithm: WrappingAlgorithm): (() => void) | undefined {
  const material = randomBytes(32).toString('binary');
  const schemes: Partial<Record<WrappingAlgorithm, [ForgeScheme, object | undefined]>> = {
    RSAES_OAEP_SHA_256: ['RSA-OAEP', { md: forge.md.sha256.create(), mgf1: { md: forge.md.sha256.create() } }],
    RSAES_OAEP_SHA_1: ['RSA-OAEP', { md: forge.md.sha1.create(), mgf1: { md: forge.md.sha1.create() } }],
    RSAES_PKCS1_V1_5: ['RSAES-PKCS1-V1_5', undefined],
  };
  const scheme = schemes[algorithm];
  // node-forge has no AES key wrap (RFC 5649) and no SM2: nothing to compare there.
  if (!scheme) return undefined;
  const key = forge.pki.publicKeyFromAsn1(forge.asn1.fromDer(publicKeyDer.toString('binary'))) as forge.pki.rsa.PublicKey;
  return () => void key.encrypt(material, scheme[0], scheme[1]);
}

function format(n: number): string {
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1);
}

/**
 * node:crypto wraps per second (wrapKeyMaterial under a decoded key) for each algorithm, under its default wrapping
 * key spec: RSA_2048 for the RSA algorithms, SM2 for SM2PKE.
 */
export function wrapsPerSecond(): Record<WrappingAlgorithm, number> {
  const material = randomBytes(32);
  const result = {} as Record<WrappingAlgorithm, number>;
  for (const algorithm of WRAPPING_ALGORITHMS) {
    const spec: WrappingKeySpec = algorithm === 'SM2PKE' ? 'SM2' : 'RSA_2048';
    const publicKey = decodePublicKey(generateWrappingKeyPair(spec).publicKeyDer);
    result[algorithm] = Math.round(opsPerSecond(() => void wrapKeyMaterial({ algorithm, publicKey, material })));
  }
  return result;
}

function main(): void {
  const rows: string[][] = [['algorithm', 'key', 'node:crypto wraps/s', 'µs/wrap', 'µs/wrap from DER', 'node-forge wraps/s', 'µs/wrap', 'node:crypto ÷ forge']];
  const material = randomBytes(32);
  const keys = new Map<WrappingKeySpec, Buffer>();
  const publicKeyOf = (spec: WrappingKeySpec) => keys.get(spec) ?? keys.set(spec, generateWrappingKeyPair(spec).publicKeyDer).get(spec)!;
  for (const algorithm of WRAPPING_ALGORITHMS) {
    const specs: WrappingKeySpec[] = algorithm === 'SM2PKE' ? ['SM2'] : ['RSA_2048', 'RSA_3072', 'RSA_4096'];
    for (const spec of specs) {
      const publicKeyDer = publicKeyOf(spec);
      // Like for like with node-forge (whose timing excludes key parsing): wrap under a decoded key;
      // the "from DER" column adds decodePublicKey, which a one-off import pays once.
      const decoded = decodePublicKey(publicKeyDer);
      const native = opsPerSecond(() => void wrapKeyMaterial({ algorithm, publicKey: decoded, material }));
      const fromDer = opsPerSecond(() => void wrapKeyMaterial({ algorithm, publicKey: publicKeyDer, material }));
      const forgeFn = forgeWrapper(publicKeyDer, algorithm);
      const viaForge = forgeFn ? opsPerSecond(forgeFn) : undefined;
      rows.push([
        algorithm,
        spec,
        format(native),
        (1e6 / native).toFixed(1),
        (1e6 / fromDer).toFixed(1),
        viaForge === undefined ? '—' : format(viaForge),
        viaForge === undefined ? '—' : (1e6 / viaForge).toFixed(1),
        viaForge === undefined ? '—' : `${(native / viaForge).toFixed(1)}×`,
      ]);
    }
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]) => '| ' + r.map((c, i) => c.padEnd(widths[i])).join(' | ') + ' |';
  console.log(`Wrapping 32 bytes of material; ${BUDGET_MS} ms per measurement; node ${process.version}, ${process.arch}.`);
  console.log('node:crypto = wrapKeyMaterial under a decoded key (checks included); node-forge = forge.pki publicKey.encrypt alone.');
  console.log('SM2PKE = sm-crypto-v2 + our DER; node-forge has neither SM2 nor AES key wrap, hence the dashes.');
  console.log(line(rows[0]));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const row of rows.slice(1)) console.log(line(row));
}

if (require.main === module) main();
