// The Alibaba RPC signature the emulator checks, pinned against Alibaba's published example, against
// openssl over the same string-to-sign, and against the signer inside Alibaba's own SDK.

import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { computeSignature, percentEncode, signatureMatches, stringToSign } from '../../../../emulator/protocols/alicloud/auth';
import { acs3Signature, canonicalRequest, parseAuthorization } from '../../../../emulator/protocols/alicloud/auth-acs3';
import type { ProtocolRequest } from '../../../../emulator/protocols/types';

// Alibaba's documented worked example (API signature mechanism, ECS DescribeRegions, testid/testsecret).
const PUBLISHED = {
  params: {
    TimeStamp: '2016-02-23T12:46:24Z', Format: 'XML', AccessKeyId: 'testid', Action: 'DescribeRegions',
    SignatureMethod: 'HMAC-SHA1', SignatureNonce: '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf', Version: '2014-05-26',
    SignatureVersion: '1.0',
  } as Record<string, string>,
  signature: 'CT9X0VtwR86fNWSnsc6v8YGOjuE=',
};

const KMS_PARAMS: Record<string, string> = {
  Action: 'DescribeKey', Version: '2016-01-20', Format: 'json', AccessKeyId: 'testid', SignatureMethod: 'HMAC-SHA1',
  SignatureVersion: '1.0', SignatureNonce: 'nonce-1', Timestamp: '2026-01-01T00:00:00Z', KeyId: "key (a)*'!~ é+/=",
};

describe('emulator/protocols/alicloud/auth', () => {
  it('reproduces the signature of Alibaba\'s published example', () => {
    assert.equal(computeSignature('GET', PUBLISHED.params, 'testsecret'), PUBLISHED.signature);
  });

  it('percent-encodes as RFC 3986 with ! \' ( ) * escaped and ~ kept', () => {
    assert.equal(percentEncode("a b!'()*~+/=é"), 'a%20b%21%27%28%29%2A~%2B%2F%3D%C3%A9');
  });

  it('builds METHOD&%2F&encode(sorted pairs), leaving Signature out', () => {
    const s = stringToSign('post', { B: '2', A: '1 2', Signature: 'ignored' });
    assert.equal(s, 'POST&%2F&A%3D1%25202%26B%3D2');
  });

  it('agrees with openssl HMAC-SHA1 over the same string-to-sign', () => {
    const text = stringToSign('POST', KMS_PARAMS);
    const digest = execFileSync('openssl', ['dgst', '-sha1', '-hmac', 'testsecret&', '-binary'], { input: text });
    assert.equal(computeSignature('POST', KMS_PARAMS, 'testsecret'), digest.toString('base64'));
  });

  it('agrees with the signer of @alicloud/rpc-util (what @alicloud/kms20160120 uses)', () => {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const rpcUtil = require('@alicloud/rpc-util').default as { getSignatureV1(q: object, m: string, s: string): string };
    for (const method of ['GET', 'POST']) {
      assert.equal(computeSignature(method, KMS_PARAMS, 'testsecret'), rpcUtil.getSignatureV1(KMS_PARAMS, method, 'testsecret'));
    }
  });

  it('accepts the right secret and rejects a wrong one, a changed parameter or another method', () => {
    const signed = { ...KMS_PARAMS, Signature: computeSignature('POST', KMS_PARAMS, 'testsecret') };
    assert.equal(signatureMatches('POST', signed, 'testsecret'), true);
    assert.equal(signatureMatches('POST', signed, 'wrongsecret'), false);
    assert.equal(signatureMatches('GET', signed, 'testsecret'), false);
    assert.equal(signatureMatches('POST', { ...signed, KeyId: 'other' }, 'testsecret'), false);
    assert.equal(signatureMatches('POST', { ...KMS_PARAMS }, 'testsecret'), false);
  });

  describe('signature V3 (ACS3-HMAC-SHA256)', () => {
    // Alibaba's documented V3 example: ECS RunInstances, POST, YourAccessKeySecret.
    const request: ProtocolRequest = {
      method: 'POST', rawUrl: '/?ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai', path: '/',
      query: new URLSearchParams('ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai'),
      headers: {
        host: 'ecs.cn-shanghai.aliyuncs.com', 'x-acs-action': 'RunInstances', 'x-acs-version': '2014-05-26', 'x-acs-date': '2023-10-26T09:01:01Z',
        'x-acs-signature-nonce': 'd410180a5abf7fe235dd9b74aca91fc0', 'x-acs-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      },
      body: Buffer.alloc(0), bodyTooLarge: false,
    };
    const signed = ['host', 'x-acs-action', 'x-acs-content-sha256', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-version'];

    it('reproduces the signature of Alibaba\'s published V3 example', () => {
      assert.equal(acs3Signature(canonicalRequest(request, signed), 'YourAccessKeySecret'), 'e521358f7776c97df52e6b2891a8bc73026794a071b50c3323388c4e0df64804');
    });

    it('agrees with openssl over the same canonical request', () => {
      const canonical = canonicalRequest(request, signed);
      const hashed = execFileSync('openssl', ['dgst', '-sha256', '-r'], { input: canonical }).toString().split(' ')[0];
      const mac = execFileSync('openssl', ['dgst', '-sha256', '-hmac', 'YourAccessKeySecret', '-r'], { input: `ACS3-HMAC-SHA256\n${hashed}` }).toString().split(' ')[0];
      assert.equal(acs3Signature(canonical, 'YourAccessKeySecret'), mac);
    });

    it('parses the Authorization header and refuses other shapes', () => {
      assert.deepEqual(parseAuthorization(`ACS3-HMAC-SHA256 Credential=ak,SignedHeaders=host;x-acs-date,Signature=${'a'.repeat(64)}`),
        { credential: 'ak', signedHeaders: ['host', 'x-acs-date'], signature: 'a'.repeat(64) });
      assert.equal(parseAuthorization('ACS3-HMAC-SHA256 Credential=ak,Signature=abc'), undefined);
      assert.equal(parseAuthorization(`AWS4-HMAC-SHA256 Credential=ak,SignedHeaders=host,Signature=${'a'.repeat(64)}`), undefined);
    });
  });
});
