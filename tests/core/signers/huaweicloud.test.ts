import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  canonicalRequest,
  canonicalUri,
  canonicalQueryString,
  computeSignature,
  formatSdkDate,
  parseAuthorization,
  parseSdkDate,
  signRequest,
  stringToSign,
} from '../../../core/signers/huaweicloud';

// A worked example: the canonical strings are written out by hand here, and openssl computes the hashes.
const AK = 'TESTAKEXAMPLE0000001';
const SK = 'test-secret-key-not-real-0000000000000001';
const BODY = '{"key_id":"0d0466b0-e727-4d9c-b35d-f84bb474a37f"}';
const DATE = new Date(Date.UTC(2026, 10, 25, 1, 2, 3));
const REQUEST = {
  method: 'POST',
  path: '/v1.0/0123456789abcdef0123456789abcdef/kms/describe-key',
  headers: {
    Host: 'kms.cn-north-4.myhuaweicloud.com',
    'Content-Type': 'application/json;charset=UTF-8',
    'X-Project-Id': '0123456789abcdef0123456789abcdef',
  },
  body: BODY,
};

function openssl(args: string[], input: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hw-signer-'));
  const file = path.join(dir, 'in.txt');
  try {
    fs.writeFileSync(file, input);
    const out = execFileSync('openssl', ['dgst', '-sha256', ...args, '-r', file], { encoding: 'utf8' });
    return out.split(' ')[0].trim();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('huaweicloud SDK-HMAC-SHA256 signer', () => {
  it('matches a worked example whose hashes openssl computes', () => {
    const bodyHash = openssl([], BODY);
    const expectedCanonical =
      'POST\n' +
      '/v1.0/0123456789abcdef0123456789abcdef/kms/describe-key/\n' +
      '\n' +
      'content-type:application/json;charset=UTF-8\n' +
      'host:kms.cn-north-4.myhuaweicloud.com\n' +
      'x-project-id:0123456789abcdef0123456789abcdef\n' +
      'x-sdk-date:20261125T010203Z\n' +
      '\n' +
      'content-type;host;x-project-id;x-sdk-date\n' +
      bodyHash;
    const expectedStringToSign = 'SDK-HMAC-SHA256\n20261125T010203Z\n' + openssl([], expectedCanonical);
    const expectedSignature = openssl(['-hmac', SK], expectedStringToSign);

    const headers = signRequest(REQUEST, { accessKey: AK, secretKey: SK }, DATE);
    const signed = ['content-type', 'host', 'x-project-id', 'x-sdk-date'];
    assert.equal(canonicalRequest({ ...REQUEST, headers }, signed), expectedCanonical);
    assert.equal(stringToSign('20261125T010203Z', expectedCanonical), expectedStringToSign);
    assert.equal(headers['X-Sdk-Date'], '20261125T010203Z');
    assert.equal(
      headers.Authorization,
      `SDK-HMAC-SHA256 Access=${AK}, SignedHeaders=content-type;host;x-project-id;x-sdk-date, Signature=${expectedSignature}`,
    );
  });

  it("produces the same Authorization as Huawei's own Node SDK signer for the same request", () => {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { AKSKSigner } = require('@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner');
    const data = JSON.parse(BODY);
    const theirs = AKSKSigner.sign(
      {
        method: 'POST',
        endpoint: 'https://kms.cn-north-4.myhuaweicloud.com/v1.0/0123456789abcdef0123456789abcdef/kms/describe-key',
        headers: { 'content-type': 'application/json;charset=UTF-8', 'X-Project-Id': '0123456789abcdef0123456789abcdef', 'X-Sdk-Date': '20261125T010203Z' },
        queryParams: {},
        data,
      },
      { getAk: () => AK, getSk: () => SK },
    );
    const ours = signRequest({ ...REQUEST, body: JSON.stringify(data) }, { accessKey: AK, secretKey: SK }, DATE);
    assert.equal(ours.Authorization, theirs.Authorization);
  });

  it('adds and signs X-Security-Token for temporary credentials', () => {
    const headers = signRequest(REQUEST, { accessKey: AK, secretKey: SK, securityToken: 'tok' }, DATE);
    assert.equal(headers['X-Security-Token'], 'tok');
    assert.deepEqual(parseAuthorization(headers.Authorization)?.signedHeaders, [
      'content-type', 'host', 'x-project-id', 'x-sdk-date', 'x-security-token',
    ]);
  });

  it('encodes path segments and sorts query parameters the RFC 3986 way', () => {
    assert.equal(canonicalUri('/v1.0/p/kms/a b'), '/v1.0/p/kms/a%20b/');
    assert.equal(canonicalUri('/v1.0/p/kms/a%20b/'), '/v1.0/p/kms/a%20b/');
    assert.equal(canonicalQueryString({ b: '2', a: ["x*", 'c d'], 'é': '~' }), 'a=c%20d&a=x%2A&b=2&%C3%A9=~');
  });

  it('parses and formats X-Sdk-Date, refusing other shapes', () => {
    assert.equal(formatSdkDate(DATE), '20261125T010203Z');
    assert.equal(parseSdkDate('20261125T010203Z')?.getTime(), DATE.getTime());
    assert.equal(parseSdkDate('2026-11-25T01:02:03Z'), undefined);
  });

  it('refuses malformed Authorization headers', () => {
    assert.equal(parseAuthorization(undefined), undefined);
    assert.equal(parseAuthorization('AWS4-HMAC-SHA256 Credential=x'), undefined);
    assert.equal(parseAuthorization('SDK-HMAC-SHA256 Access=a, SignedHeaders=host, Signature=nothex'), undefined);
    const sig = computeSignature('k', 's');
    assert.deepEqual(parseAuthorization(`SDK-HMAC-SHA256 Access=a, SignedHeaders=Host;X-Sdk-Date, Signature=${sig}`), {
      accessKey: 'a', signedHeaders: ['host', 'x-sdk-date'], signature: sig,
    });
  });
});
