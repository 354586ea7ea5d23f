// assumptions.ts: every point the Ping An adapter assumes, one named constant or function each; the readers are
// tolerant, the writers send one form, and the list the README and the probe use names them all.
import { strict as assert } from 'node:assert';
import { generateKeyPairSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { computeSignature } from '../../../../core/signers/pingan';
import {
  ALTERNATIVE_SIGNING_RULES,
  ASSUMPTIONS,
  assumption,
  encodeWrappedMaterial,
  expiryParameter,
  formatPinganDateTime,
  isSuccess,
  keyStateForm,
  parsePinganTime,
  readEnvelope,
  readField,
  readImportToken,
  readKeyState,
  readKeyUsage,
  readOrigin,
  readPublicKey,
  SIGNING_RULES,
  timeForm,
  writeImportToken,
} from '../../../../provider/clouds/pingan/assumptions';

const DIALECT_POINTS = ['signatureKey', 'keyState', 'publicKey', 'tokenExpireTime', 'errorEnvelope', 'importParameterFields', 'timeZone'];

describe('pingan assumptions', () => {
  it('lists every assumption once, with the emulator dialect ids, a one-line summary and a confidence', () => {
    const ids = ASSUMPTIONS.map((a) => a.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const id of [...DIALECT_POINTS, 'timestampWindow', 'importMaterialFields', 'wrappedMaterialEncoding', 'expiryUnit', 'materialExpireTime', 'deletionWindowField', 'enableKeyShape', 'cancelKeyDeletionShape']) {
      assert.ok(ids.includes(id), id);
    }
    for (const a of ASSUMPTIONS) {
      assert.ok(['high', 'medium', 'low'].includes(a.confidence), a.id);
      assert.ok(a.summary.length > 20 && !a.summary.includes('\n') && !a.summary.includes('|'), `${a.id}: one README table-safe line`);
    }
    assert.equal(assumption('keyState').confidence, 'medium');
    assert.throws(() => assumption('nope'), /no Ping An assumption "nope"/);
  });

  it('names its confidence next to every listed point in the file (each point is written down with its evidence)', () => {
    const source = fs.readFileSync(path.join(__dirname, '../../../../provider/clouds/pingan/assumptions.ts'), 'utf8');
    const comments = source.split('/**').length - 1;
    assert.ok(comments >= ASSUMPTIONS.length, `${comments} doc comments for ${ASSUMPTIONS.length} assumptions`);
    assert.ok((source.match(/Confidence: (high|medium|low)/g) ?? []).length >= 15);
  });

  it('signs with the secret as it is (reproducing kms-apis.md\'s vector); the alternative is Alibaba\'s secret + "&"', () => {
    const params = {
      action: 'DescribeKey', keyId: '1234abcd-12ab-34cd-56ef-1234567890ab', version: '2017-01-01', accessKeyId: 'testid',
      signatureMethod: 'HMAC-SHA1', signatureVersion: '1.0', signatureNonce: '1542160932207', timestamp: '1542160932207',
    };
    assert.equal(computeSignature(params, 'testsecret', SIGNING_RULES), 'nA2P3FQ68/2U1TISJSuVZP3nrnU=');
    assert.deepEqual(ALTERNATIVE_SIGNING_RULES.map((a) => [a.name, a.rules.keySuffix]), [['secretAmpersand', '&']]);
    assert.notEqual(computeSignature(params, 'testsecret', ALTERNATIVE_SIGNING_RULES[0].rules), 'nA2P3FQ68/2U1TISJSuVZP3nrnU=');
  });

  it('writes date-times as yyyy-MM-dd HH:mm:ss at +08:00, and reads dates (at +08:00 or a given offset), ISO, epoch s and ms', () => {
    assert.equal(formatPinganDateTime(new Date('2026-12-01T20:30:05.900Z')), '2026-12-02 04:30:05');
    assert.equal(formatPinganDateTime(new Date('2026-12-01T20:30:05Z'), 0), '2026-12-01 20:30:05');
    assert.equal(parsePinganTime('2026-12-02 04:30:05')!.toISOString(), '2026-12-01T20:30:05.000Z');
    assert.equal(parsePinganTime('2026-12-02 04:30:05', 0)!.toISOString(), '2026-12-02T04:30:05.000Z');
    assert.equal(parsePinganTime('2026-12-02T04:30:05')!.toISOString(), '2026-12-01T20:30:05.000Z');
    assert.equal(parsePinganTime('2026-12-01T20:30:05Z')!.toISOString(), '2026-12-01T20:30:05.000Z');
    assert.equal(parsePinganTime('2026-12-02T04:30:05+08:00')!.toISOString(), '2026-12-01T20:30:05.000Z');
    assert.equal(parsePinganTime(1800000000)!.toISOString(), '2027-01-15T08:00:00.000Z');
    assert.equal(parsePinganTime('1800000000000')!.toISOString(), '2027-01-15T08:00:00.000Z');
    for (const empty of ['', 0, '0', undefined, null, 'soon', '2026-13-45 99:99:99x', {}]) assert.equal(parsePinganTime(empty), undefined, String(empty));
    assert.deepEqual(['2026-12-02 04:30:05', '2026-12-01T20:30:05Z', 1800000000000, '1800000000', '', 'x'].map(timeForm), ['date', 'iso', 'epochMillis', 'epochSeconds', 'empty', 'unreadable']);
  });

  it('reads key states as names, digits or Alibaba names; anything else is Unknown', () => {
    const read = (values: unknown[]) => values.map(readKeyState);
    assert.deepEqual(read(['ENABLED', 'DISABLED', 'PENDING_IMPORT', 'PENDING_DELETE']), ['Enabled', 'Disabled', 'PendingImport', 'PendingDeletion']);
    assert.deepEqual(read(['0', '1', '2', '3', 0, 2]), ['Enabled', 'Disabled', 'PendingDeletion', 'PendingImport', 'Enabled', 'PendingDeletion']);
    assert.deepEqual(read(['Enabled', 'Disabled', 'PendingImport', 'PendingDeletion']), ['Enabled', 'Disabled', 'PendingImport', 'PendingDeletion']);
    assert.deepEqual(read(['enabled', '9', undefined, 'toString', '__proto__']), ['Unknown', 'Unknown', 'Unknown', 'Unknown', 'Unknown']);
    assert.deepEqual(['ENABLED', '3', 'PendingImport', 'x'].map(keyStateForm), ['names', 'digits', 'alibaba', 'unknown']);
  });

  it('reads origin and key usage in their documented integers and the names', () => {
    assert.deepEqual([1, '1', 'EXTERNAL', 'External', 0, 'Aliyun_KMS'].map(readOrigin), ['EXTERNAL', 'EXTERNAL', 'EXTERNAL', 'EXTERNAL', 'KMS', 'KMS']);
    assert.deepEqual([0, '0', 'ENCRYPT/DECRYPT', 'ENCRYPT_DECRYPT', 'SIGN'].map(readKeyUsage), ['ENCRYPT_DECRYPT', 'ENCRYPT_DECRYPT', 'ENCRYPT_DECRYPT', 'ENCRYPT_DECRYPT', 'SIGN']);
  });

  it('reads the public key as hex (or base64) of SPKI or PKCS#1, always giving SPKI DER; refuses anything else', () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const spki = publicKey.export({ format: 'der', type: 'spki' });
    const pkcs1 = publicKey.export({ format: 'der', type: 'pkcs1' });
    for (const [text, encoding, structure] of [
      [spki.toString('hex'), 'hex', 'spki'], [spki.toString('hex').toUpperCase(), 'hex', 'spki'], [pkcs1.toString('hex'), 'hex', 'pkcs1'], [spki.toString('base64'), 'base64', 'spki'],
    ] as const) {
      const read = readPublicKey(text)!;
      assert.deepEqual([read.encoding, read.structure, read.modulusBits, read.der.equals(spki)], [encoding, structure, 2048, true]);
    }
    for (const bad of ['', 'zz', 'abcd', Buffer.from('not a key').toString('hex')]) assert.equal(readPublicKey(bad), undefined, bad);
  });

  it('finds fields by the assumed name first, then Alibaba\'s; absent, null and empty count as missing', () => {
    assert.deepEqual(readField({ publicKey: 'a', PublicKey: 'b' }, ['publicKey', 'PublicKey']), { name: 'publicKey', value: 'a' });
    assert.deepEqual(readField({ publicKey: '', PublicKey: 'b' }, ['publicKey', 'PublicKey']), { name: 'PublicKey', value: 'b' });
    assert.equal(readField({ publicKey: null }, ['publicKey']), undefined);
  });

  it('writes the token and the wrapped material as hex, the expiry in whole seconds, and never-expiring material without one', () => {
    const token = readImportToken('0A0b0C')!;
    assert.equal(writeImportToken(token), '0a0b0c');
    assert.equal(readImportToken('xyz'), undefined);
    assert.equal(readImportToken('abc'), undefined, 'odd length');
    assert.equal(encodeWrappedMaterial(Buffer.from([1, 255])), '01ff');
    assert.deepEqual(expiryParameter('2027-01-15T08:00:00.999Z'), { keyMaterialExpireUnix: '1800000000' });
    assert.deepEqual(expiryParameter(undefined), {});
    assert.throws(() => expiryParameter('tomorrow'), /expiresAt must be an ISO 8601 time/);
  });

  it('reads the envelope: code from code or Code, the message from message, msg or Message; only SUCCESS succeeds', () => {
    assert.deepEqual(readEnvelope({ code: 'X', message: 'm', requestId: 'r' }), { code: 'X', codeField: 'code', message: 'm', messageField: 'message', requestId: 'r' });
    assert.deepEqual(readEnvelope({ code: 'X', msg: 'm' }), { code: 'X', codeField: 'code', message: 'm', messageField: 'msg' });
    assert.deepEqual(readEnvelope({ Code: 'X', Message: 'm', RequestId: 'r' }), { code: 'X', codeField: 'Code', message: 'm', messageField: 'Message', requestId: 'r' });
    assert.deepEqual(readEnvelope('text'), {});
    assert.deepEqual(readEnvelope([1]), {});
    assert.equal(isSuccess(readEnvelope({ code: 'SUCCESS' })), true);
    assert.equal(isSuccess(readEnvelope({ code: 'success' })), true);
    assert.equal(isSuccess(readEnvelope({ requestId: 'r' })), false, 'no code is no success');
    assert.equal(isSuccess(readEnvelope({ code: 'FAIL' })), false);
  });

  it('the README\'s "Ping An: what is assumed" has one row per assumption, in this order, with its summary and confidence', () => {
    const readme = fs.readFileSync(path.join(__dirname, '../../../../README.md'), 'utf8');
    const start = readme.indexOf('### Ping An: what is assumed');
    assert.ok(start >= 0, 'the README has the section');
    const section = readme.slice(start, readme.indexOf('\n## ', start));
    const rows = section.split('\n').filter((line) => /^\| `[A-Za-z]+` \|/.test(line)).map((line) => line.split(' | ').map((cell) => cell.replace(/^\| /, '')));
    assert.deepEqual(rows.map((cells) => cells[0]), ASSUMPTIONS.map((a) => `\`${a.id}\``));
    for (const [i, a] of ASSUMPTIONS.entries()) assert.deepEqual([rows[i][1], rows[i][2]], [a.summary, a.confidence], a.id);
  });
});
