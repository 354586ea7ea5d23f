// The emulator's check of Ping An's signature, against the test's own signer (tests/support/pingan-client), which is
// first shown to reproduce kms-apis.md's two test vectors: tampering, a wrong secret, the ±15 minute window, nonce
// reuse, and refusals that name what failed without the secret, the signature or the string to sign.
import { strict as assert } from 'node:assert';
import { startEmulator, type RunningEmulator } from '../../../../emulator';
import { pinganCall, pinganSignature, pinganStringToSign, signedParams, type PinganCallOptions } from '../../../support/pingan-client';

const SECRET = 'pa-emulator-secret-3f9c';
const ACCESS_KEY = 'pa-emulator-ak';

describe('emulator: Ping An KMS signature checks', () => {
  let emulator: RunningEmulator;
  const log: string[] = [];
  const texts: string[] = [];

  before(async () => {
    emulator = await startEmulator({ accessKey: ACCESS_KEY, secretKey: SECRET, log: (line) => log.push(line) });
  });
  after(async () => {
    await emulator.close();
  });

  async function call(action: string, params: Record<string, string>, options: PinganCallOptions = {}) {
    const reply = await pinganCall(emulator.url, action, params, { accessKeyId: ACCESS_KEY, secret: SECRET, ...options });
    texts.push(reply.text);
    return reply;
  }

  it("the test's own signer reproduces kms-apis.md's two test vectors", () => {
    const common = {
      version: '2017-01-01', accessKeyId: 'testid', signatureMethod: 'HMAC-SHA1', signatureVersion: '1.0',
      signatureNonce: '1542160932207', timestamp: '1542160932207',
    };
    const keyId = '1234abcd-12ab-34cd-56ef-1234567890ab';
    assert.equal(pinganSignature({ ...common, action: 'DescribeKey', keyId }, 'testsecret'), 'nA2P3FQ68/2U1TISJSuVZP3nrnU=');
    assert.equal(
      pinganSignature({ ...common, action: 'GetParametersForImport', keyId, wrappingAlgorithm: 'RSAES_OAEP_SHA_256', wrappingKeySpec: 'RSA_2048' }, 'testsecret'),
      'lHWid3vCtBClKqcao/aj18Q2ZmM=',
    );
    // Lowercased and sorted by the lowercased name; the values sent keep their case.
    assert.equal(pinganStringToSign({ B: 'X y*', a: '~' }), 'a=~&b=x%20y%2a');
  });

  it('accepts a request signed with the secret by GET and by POST, values with spaces and symbols included', async () => {
    for (const method of ['GET', 'POST'] as const) {
      const reply = await call('CreateCmk', { origin: '1', description: "Zahlung * ü ~ (test) & 'more'=1" }, { method });
      assert.equal(reply.body.code, 'SUCCESS', reply.text);
      assert.equal(reply.body.keyMetadata.description, "Zahlung * ü ~ (test) & 'more'=1");
    }
  });

  it('refuses a tampered request, a wrong secret and the secret + "&" key with SignatureDoesNotMatch, saying nothing secret', async () => {
    const created = await call('CreateCmk', { origin: '1' });
    const keyId: string = created.body.keyMetadata.keyId;
    const attempts: PinganCallOptions[] = [
      { mutate: (p) => ({ ...p, keyId: keyId.replace(/^./, (c: string) => (c === 'a' ? 'b' : 'a')) }) }, // a parameter changed after signing
      { mutate: (p) => ({ ...p, extra: '1' }) }, // a parameter added after signing
      { mutate: (p) => ({ ...p, signature: p.signature.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) }) },
      { secret: 'not-the-secret' },
      { keySuffix: '&' }, // Alibaba's key: not Ping An's (by default)
    ];
    for (const options of attempts) {
      const reply = await call('DescribeKey', { keyId }, options);
      assert.equal(reply.body.code, 'SignatureDoesNotMatch', reply.text);
      assert.equal(reply.status, 403);
      assert.match(reply.body.message, /signature does not match/);
    }
    const missing = await call('DescribeKey', { keyId }, { mutate: ({ signature: _s, ...rest }) => rest });
    assert.deepEqual([missing.body.code, missing.body.message], ['MissingParameter', 'The parameter "signature" is required.']);
  });

  it('refuses an unknown accessKeyId, a wrong signatureMethod or signatureVersion, naming the parameter', async () => {
    const unknown = await call('DescribeKey', { keyId: 'x' }, { accessKeyId: 'someone-else' });
    assert.deepEqual([unknown.body.code, unknown.status], ['InvalidAccessKeyId.NotFound', 403]);
    assert.match(unknown.body.message, /someone-else/);
    for (const [name, value] of [['signatureMethod', 'HMAC-SHA256'], ['signatureVersion', '2.0']]) {
      const reply = await call('DescribeKey', { keyId: 'x' }, { mutate: (p) => ({ ...p, [name]: value }) });
      assert.equal(reply.body.code, 'InvalidParameter', reply.text);
      assert.match(reply.body.message, /signatureMethod.*HMAC-SHA1.*signatureVersion 1\.0/);
    }
    for (const name of ['signatureMethod', 'signatureVersion', 'accessKeyId', 'timestamp', 'signatureNonce']) {
      const reply = await call('DescribeKey', { keyId: 'x' }, { mutate: ({ [name]: _gone, ...rest }) => rest });
      assert.equal(reply.body.code, 'MissingParameter', `${name}: ${reply.text}`);
      assert.match(reply.body.message, new RegExp(`"${name}"`));
    }
  });

  it('refuses a timestamp more than 15 minutes off either way (real time, not the emulator clock), or not in milliseconds', async () => {
    const created = await call('CreateCmk', { origin: '1' });
    const keyId = created.body.keyMetadata.keyId;
    for (const offsetMin of [-16, 16, -60 * 24]) {
      const reply = await call('DescribeKey', { keyId }, { timestamp: Date.now() + offsetMin * 60_000 });
      assert.deepEqual([reply.body.code, reply.status], ['InvalidTimeStamp.Expired', 403], `${offsetMin} min: ${reply.text}`);
      assert.match(reply.body.message, /15 minutes/);
    }
    for (const offsetMin of [-14, 14]) {
      assert.equal((await call('DescribeKey', { keyId }, { timestamp: Date.now() + offsetMin * 60_000 })).body.code, 'SUCCESS', `${offsetMin} min`);
    }
    // The emulator clock moves material and tokens, not the signing window.
    emulator.clock.advance(3 * 86_400);
    try {
      assert.equal((await call('DescribeKey', { keyId })).body.code, 'SUCCESS');
    } finally {
      emulator.clock.reset();
    }
    const seconds = await call('DescribeKey', { keyId }, { timestamp: Math.floor(Date.now() / 1000) });
    assert.equal(seconds.body.code, 'IllegalTimestamp');
    assert.match(seconds.body.message, /milliseconds \(this looks like seconds\)/);
    const text = await call('DescribeKey', { keyId }, { mutate: (p) => ({ ...p, timestamp: new Date().toISOString() }) });
    assert.equal(text.body.code, 'IllegalTimestamp');
  });

  it('refuses a signatureNonce used before (a replayed request), but not a fresh one', async () => {
    const created = await call('CreateCmk', { origin: '1' });
    const keyId = created.body.keyMetadata.keyId;
    const nonce = '987654321012345';
    assert.equal((await call('DescribeKey', { keyId }, { nonce })).body.code, 'SUCCESS');
    const again = await call('DescribeKey', { keyId }, { nonce });
    assert.deepEqual([again.body.code, again.status], ['SignatureNonceUsed', 403]);
    // The very same request, replayed byte for byte.
    const signed = signedParams('DescribeKey', { keyId }, { accessKeyId: ACCESS_KEY, secret: SECRET });
    const url = `${emulator.url}/?${new URLSearchParams(signed)}`;
    const first = (await (await fetch(url)).json()) as { code: string };
    const replay = (await (await fetch(url)).json()) as { code: string };
    assert.deepEqual([first.code, replay.code], ['SUCCESS', 'SignatureNonceUsed']);
    // A request whose signature fails does not use up its nonce.
    const spoiled = await call('DescribeKey', { keyId }, { nonce: '1111', secret: 'wrong' });
    assert.equal(spoiled.body.code, 'SignatureDoesNotMatch');
    assert.equal((await call('DescribeKey', { keyId }, { nonce: '1111' })).body.code, 'SUCCESS');
  });

  it('puts neither the secret nor a signature nor a string to sign in any reply or log line', () => {
    assert.ok(texts.length > 25);
    const all = [...texts, ...log].join('\n');
    assert.ok(!all.includes(SECRET), 'the secret leaked');
    assert.ok(!/signature=|accesskeyid=|&timestamp=/i.test(all), 'a string to sign or a query leaked');
    for (const reply of texts) {
      const body = JSON.parse(reply) as Record<string, unknown>;
      if (body.code === 'SUCCESS') continue;
      assert.deepEqual(Object.keys(body).sort(), ['code', 'message', 'requestId']);
    }
  });
});
