// The Ping An probe (adapter-probe.ts) against the Ping An server of fake-server.ts: every assumption judged, each
// dialect switch seen as the contradiction it is, nothing but reads sent, and no token or key in what it reports.
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import type { AssumptionVerdict } from '../../../../provider/clouds/adapter';
import { PinganKmsAdapter } from '../../../../provider/clouds/pingan/adapter';
import { ASSUMPTIONS } from '../../../../provider/clouds/pingan/assumptions';
import { PinganKmsClient } from '../../../../provider/clouds/pingan/client';
import { wrapKeyMaterial } from '../../../../core/wrapping';
import { FakePinganKms, type Dialect } from './fake-server';

const READ_ONLY = new Set(['DescribeKey', 'GetParametersForImport']);
const IMPORT_SIDE = ['importMaterialFields', 'wrappedMaterialEncoding', 'expiryUnit', 'reimportInPlace', 'deletionWindowField', 'enableKeyShape', 'cancelKeyDeletionShape'];

describe('pingan probeAssumptions (read-only)', () => {
  const server = new FakePinganKms();
  let adapter: PinganKmsAdapter;

  before(async () => {
    const url = await server.start();
    adapter = new PinganKmsAdapter(new PinganKmsClient({ endpoint: new URL(url), credentials: { accessKeyId: server.accessKeyId, accessKeySecret: server.accessKeySecret } }, { retryDelayMs: 1 }));
  });
  after(() => server.stop());
  beforeEach(() => server.reset());

  /** An EXTERNAL key with material that expires in 30 days (so materialExpireTime has a date to show). */
  async function externalKey(): Promise<string> {
    const { keyId } = await adapter.createKey({ keySpec: 'AES_256' });
    const params = await adapter.getImportParameters(keyId, 'RSAES_OAEP_SHA_256', 'RSA_2048');
    const encryptedKeyMaterial = wrapKeyMaterial({ algorithm: 'RSAES_OAEP_SHA_256', publicKey: params.publicKey, material: randomBytes(32) });
    await adapter.importMaterial({ keyId, importToken: params.importToken, encryptedKeyMaterial, expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString() });
    return keyId;
  }

  async function probe(keyId: string): Promise<Map<string, AssumptionVerdict>> {
    const start = server.requests.length;
    const verdicts = await adapter.probeAssumptions(keyId);
    const sent = server.requests.slice(start);
    assert.deepEqual(sent.filter((r) => !READ_ONLY.has(r.action)).map((r) => r.action), [], 'only reads');
    assert.deepEqual(verdicts.map((v) => v.id), ASSUMPTIONS.map((a) => a.id), 'every assumption, in order');
    // Nothing secret in what it reports: no token, no public key, no signature, no secret.
    const tokens = server.requests.flatMap((r) => [r.params.signature]);
    const text = JSON.stringify(verdicts);
    for (const value of [...tokens, server.accessKeySecret]) assert.equal(text.includes(value), false);
    assert.doesNotMatch(text, /[0-9a-f]{40,}/i, 'no hex token or key');
    return new Map(verdicts.map((v) => [v.id, v]));
  }

  const verdictOf = (verdicts: Map<string, AssumptionVerdict>, id: string) => verdicts.get(id)!.verdict;

  it('confirms every assumption the server follows, and says which it could not exercise', async () => {
    const keyId = await externalKey();
    const verdicts = await probe(keyId);
    const exercised = ASSUMPTIONS.map((a) => a.id).filter((id) => !IMPORT_SIDE.includes(id));
    for (const id of exercised) assert.equal(verdictOf(verdicts, id), 'confirmed', `${id}: ${verdicts.get(id)!.seen}`);
    for (const id of IMPORT_SIDE) assert.equal(verdictOf(verdicts, id), 'not exercised', id);
    assert.match(verdicts.get('importParameterFields')!.seen!, /importToken, keyId, publicKey, requestId, tokenExpireTime/);
    assert.match(verdicts.get('publicKey')!.seen!, /hex of SubjectPublicKeyInfo \(2048 bits\)/);
    assert.match(verdicts.get('errorEnvelope')!.seen!, /message under message, code under code/);
    assert.match(verdicts.get('materialExpireTime')!.seen!, /materialExpireTime as date/);
    for (const v of verdicts.values()) assert.equal(v.summary, ASSUMPTIONS.find((a) => a.id === v.id)!.summary);
  });

  const switches: Array<[keyof Dialect, string, string, RegExp]> = [
    ['keyState', 'digits', 'keyState', /keyState as digits/],
    ['keyState', 'alibaba', 'keyState', /keyState as alibaba/],
    ['publicKey', 'pkcs1', 'publicKey', /hex of PKCS#1 RSAPublicKey/],
    ['tokenExpireTime', 'epochMillis', 'tokenExpireTime', /tokenExpireTime as epochMillis/],
    ['errorEnvelope', 'msg', 'errorEnvelope', /message under msg/],
    ['importParameterFields', 'alibaba', 'importParameterFields', /ImportToken, PublicKey/],
    ['timeZone', 'UTC', 'timeZone', /read at UTC/],
    ['signatureKey', 'secretAmpersand', 'signatureKey', /accepted with rule secretAmpersand/],
  ];
  for (const [point, variant, id, seen] of switches) {
    it(`says ${id} is contradicted when the server answers ${point}=${variant}`, async () => {
      const keyId = await externalKey();
      (server.dialect as unknown as Record<string, string>)[point] = variant;
      const verdicts = await probe(keyId);
      assert.equal(verdictOf(verdicts, id), 'contradicted', `${id}: ${verdicts.get(id)!.seen}`);
      assert.match(verdicts.get(id)!.seen!, seen);
      // The other points stay as they are: the probe goes on with what works (the alternative signature too).
      const others = ASSUMPTIONS.map((a) => a.id).filter((other) => other !== id && !IMPORT_SIDE.includes(other));
      const changed = others.filter((other) => verdictOf(verdicts, other) !== 'confirmed');
      // With no date string in the token's expiry, the zone has nothing to be judged on.
      const expected = id === 'tokenExpireTime' ? ['timeZone'] : [];
      assert.deepEqual(changed, expected, changed.map((other) => `${other}: ${verdicts.get(other)!.seen}`).join('; '));
      if (id === 'tokenExpireTime') assert.equal(verdictOf(verdicts, 'timeZone'), 'not exercised');
    });
  }

  it('says the timestamp window is narrower than assumed when a timestamp 10 minutes behind is refused', async () => {
    const keyId = await externalKey();
    server.windowMs = 5 * 60_000;
    const verdicts = await probe(keyId);
    assert.equal(verdictOf(verdicts, 'timestampWindow'), 'contradicted');
    assert.match(verdicts.get('timestampWindow')!.seen!, /a timestamp 10 min behind was refused \(code IllegalTimestamp \(HTTP 400\)\)/);
    assert.equal(verdictOf(verdicts, 'signatureKey'), 'confirmed');
  });

  it('signs the skewed request against the cloud\'s clock, so a cloud whose clock is off still passes a ±15 min window', async () => {
    const keyId = await externalKey();
    server.skewMs = 8 * 60_000;
    const verdicts = await probe(keyId);
    assert.equal(verdictOf(verdicts, 'timestampWindow'), 'confirmed', verdicts.get('timestampWindow')!.seen);
  });

  it('does not judge what it could not see when the credentials are refused outright', async () => {
    const keyId = await externalKey();
    const wrong = new PinganKmsAdapter(new PinganKmsClient({ endpoint: new URL(adapter['client'].endpoint), credentials: { accessKeyId: server.accessKeyId, accessKeySecret: 'not-the-secret' } }));
    const verdicts = await wrong.probeAssumptions(keyId);
    const signature = verdicts.find((v) => v.id === 'signatureKey')!;
    assert.equal(signature.verdict, 'not exercised');
    assert.match(signature.seen!, /refused with every rule tried \(code SignatureDoesNotMatch \(HTTP 403\)\)/);
    for (const id of ['keyState', 'publicKey', 'tokenExpireTime', 'timeZone', 'timestampWindow']) assert.equal(verdicts.find((v) => v.id === id)!.verdict, 'not exercised', id);
    assert.doesNotMatch(JSON.stringify(verdicts), /not-the-secret/);
  });

  it('probes a key that does not exist without judging the key-side points', async () => {
    const verdicts = await probe('00000000-0000-0000-0000-000000000000');
    assert.equal(verdictOf(verdicts, 'signatureKey'), 'confirmed');
    assert.equal(verdictOf(verdicts, 'errorEnvelope'), 'confirmed');
    for (const id of ['keyState', 'publicKey', 'tokenExpireTime']) assert.equal(verdictOf(verdicts, id), 'not exercised', id);
  });
});
