// provider/probe.ts on the stub adapter (tests/support/stub-adapter.ts): which checks pass, fail or are skipped for
// each answer a cloud can give, that only reads are made, and that no token nor key byte reaches the report.
import * as assert from 'node:assert/strict';
import { ImportedKeyError } from '../../core/errors';
import { generateWrappingKeyPair } from '../../core/wrapping';
import type { AssumptionVerdict, ImportParameters } from '../../provider/clouds/adapter';
import { awsProfile } from '../../provider/clouds/aws/profile';
import { huaweicloudProfile } from '../../provider/clouds/huaweicloud/profile';
import { formatReport, isCredentialRefusal, printable, probe, probeExitStatus, settingsFailure, type ProbeReport } from '../../provider/probe';
import { StubAdapter } from '../support/stub-adapter';

const statusOf = (report: ProbeReport, id: string): string | undefined => report.checks.find((c) => c.id === id)?.status;
const summaryOf = (report: ProbeReport, id: string): string => report.checks.find((c) => c.id === id)?.summary ?? '';

/** The stub, with a cloud clock and, optionally, assumptions to probe. */
class ProbedAdapter extends StubAdapter {
  clock?: Date;
  verdicts?: AssumptionVerdict[] | (() => never);
  lastParameters?: ImportParameters;

  cloudTime(): Date | undefined {
    return this.clock;
  }

  override async getImportParameters(...args: Parameters<StubAdapter['getImportParameters']>): Promise<ImportParameters> {
    this.lastParameters = await super.getImportParameters(...args);
    return this.lastParameters;
  }
}

function withAssumptions(adapter: ProbedAdapter, verdicts: AssumptionVerdict[] | (() => never)): ProbedAdapter {
  Object.assign(adapter, {
    probeAssumptions: async (keyId: string) => {
      adapter.calls.push(`probeAssumptions:${keyId}`);
      return typeof verdicts === 'function' ? verdicts() : verdicts;
    },
  });
  return adapter;
}

async function externalKey(adapter: StubAdapter, keySpec = 'SYMMETRIC_DEFAULT'): Promise<string> {
  const { keyId } = await adapter.createKey({ keySpec });
  adapter.calls.length = 0;
  return keyId;
}

describe('probe', () => {
  it('an EXTERNAL key pending import: every check passes, with one describe and one set of import parameters', async () => {
    const adapter = new ProbedAdapter();
    const keyId = await externalKey(adapter);
    const now = new Date();
    adapter.clock = new Date(now.getTime() - 2000);
    const report = await probe(adapter, { keyId, profile: awsProfile, now: () => now });
    assert.equal(report.ok, true, JSON.stringify(report.checks));
    assert.equal(probeExitStatus(report), 0);
    assert.deepEqual(report.checks.map((c) => [c.id, c.status]), [
      ['credentials', 'ok'], ['clock', 'ok'], ['key', 'ok'], ['origin', 'ok'], ['import-parameters', 'ok'], ['assumptions', 'skipped'],
    ]);
    assert.deepEqual(adapter.calls, ['describeKey', 'getImportParameters'], 'read-only: nothing else is called');
    assert.deepEqual(report.clock, { cloudTime: adapter.clock.toISOString(), machineTime: now.toISOString(), skewSeconds: 2 });
    assert.match(summaryOf(report, 'clock'), /^this machine is 2 s ahead of the cloud/);
    assert.equal(report.importParameters?.wrappingAlgorithm, 'RSAES_OAEP_SHA_256', "the profile's first algorithm for the key spec");
    assert.equal(report.importParameters?.wrappingKeySpec, 'RSA_2048');
    assert.equal(report.importParameters?.publicKeyType, 'rsa');
    assert.equal(report.importParameters?.publicKeyBits, 2048);
    assert.equal(report.importParameters?.tokenBytes, adapter.lastParameters!.importToken.length);
    assert.ok(Math.abs(report.importParameters!.tokenValidForSeconds - 86_402) <= 2, String(report.importParameters!.tokenValidForSeconds));
    assert.equal(report.assumptions, undefined);
  });

  it('never puts the token or the public key in the report, in any encoding', async () => {
    const adapter = new ProbedAdapter();
    const keyId = await externalKey(adapter);
    const report = await probe(adapter, { keyId, profile: awsProfile });
    const { importToken, publicKey } = adapter.lastParameters!;
    const printed = JSON.stringify(report) + formatReport(report);
    for (const bytes of [importToken, publicKey]) {
      for (const encoding of ['utf8', 'hex', 'base64'] as const) {
        assert.ok(!printed.includes(bytes.toString(encoding)), `the ${encoding} of a parameter is printed`);
      }
    }
    assert.doesNotMatch(printed, /[A-Za-z0-9+/=]{41,}/);
  });

  it('a key that is not EXTERNAL fails the origin check, and no import parameters are asked for', async () => {
    const adapter = new ProbedAdapter();
    const keyId = await externalKey(adapter);
    adapter.keys.get(keyId)!.origin = 'AWS_KMS';
    adapter.keys.get(keyId)!.keyState = 'Enabled';
    const report = await probe(adapter, { keyId, profile: awsProfile });
    assert.equal(report.ok, false);
    assert.equal(probeExitStatus(report), 1);
    assert.equal(statusOf(report, 'origin'), 'failed');
    assert.match(summaryOf(report, 'origin'), /^AWS_KMS, not EXTERNAL: this key cannot take imported material/);
    assert.equal(statusOf(report, 'import-parameters'), 'skipped');
    assert.deepEqual(adapter.calls, ['describeKey']);
  });

  it('a missing key fails the key check; the credentials passed (the cloud answered)', async () => {
    const adapter = new ProbedAdapter();
    const report = await probe(adapter, { keyId: 'no-such-key', profile: awsProfile });
    assert.equal(probeExitStatus(report), 1);
    assert.equal(statusOf(report, 'credentials'), 'ok');
    assert.equal(statusOf(report, 'key'), 'failed');
    assert.match(summaryOf(report, 'key'), /^no key "no-such-key" here: check the key id, the region \(and project\)/);
    assert.equal(report.key, undefined);
  });

  it('a key pending deletion fails the key check and is not asked for import parameters; a disabled one is a warning', async () => {
    const adapter = new ProbedAdapter();
    const keyId = await externalKey(adapter);
    Object.assign(adapter.keys.get(keyId)!, { keyState: 'PendingDeletion', deletionDate: '2030-01-01T00:00:00.000Z' });
    const pending = await probe(adapter, { keyId, profile: awsProfile });
    assert.equal(statusOf(pending, 'key'), 'failed');
    assert.match(summaryOf(pending, 'key'), /deletion on 2030-01-01T00:00:00.000Z: this key cannot take material in this state$/);
    assert.equal(statusOf(pending, 'import-parameters'), 'skipped');
    adapter.keys.get(keyId)!.keyState = 'Disabled';
    const disabled = await probe(adapter, { keyId, profile: awsProfile });
    assert.equal(statusOf(disabled, 'key'), 'warning');
    assert.equal(disabled.ok, true);
  });

  it("reports the key's expiry model", async () => {
    const adapter = new ProbedAdapter();
    const keyId = await externalKey(adapter);
    Object.assign(adapter.keys.get(keyId)!, { keyState: 'Enabled', expirationModel: 'KEY_MATERIAL_EXPIRES', validTo: '2031-05-06T07:08:09.000Z' });
    const expires = await probe(adapter, { keyId, profile: awsProfile });
    assert.match(summaryOf(expires, 'key'), /^state Enabled, key spec SYMMETRIC_DEFAULT, usage ENCRYPT_DECRYPT, material expires 2031-05-06T07:08:09.000Z$/);
    assert.equal(expires.key?.validTo, '2031-05-06T07:08:09.000Z');
    Object.assign(adapter.keys.get(keyId)!, { expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE', validTo: undefined });
    assert.match(summaryOf(await probe(adapter, { keyId, profile: awsProfile }), 'key'), /material never expires$/);
  });

  it('refused credentials fail the credentials check and stop there; the clock is still judged (it explains most refusals)', async () => {
    const adapter = new ProbedAdapter();
    const now = new Date();
    adapter.clock = new Date(now.getTime() - 1_200_000);
    adapter.failNext('describeKey', () => new ImportedKeyError('CloudError', 'describing key k: InvalidSignatureException: Signature expired', { cloudCode: 'InvalidSignatureException' }));
    const report = await probe(adapter, { keyId: 'k', profile: awsProfile, now: () => now });
    assert.equal(probeExitStatus(report), 1);
    assert.equal(statusOf(report, 'credentials'), 'failed');
    assert.match(summaryOf(report, 'credentials'), /^refused by the cloud: CloudError \(InvalidSignatureException\): .*Signature expired/);
    assert.equal(statusOf(report, 'clock'), 'warning');
    assert.match(summaryOf(report, 'clock'), /^this machine is 1200 s ahead of the cloud .*more than 300 s/);
    assert.deepEqual(report.checks.filter((c) => c.status === 'skipped').map((c) => c.id), ['key', 'origin', 'import-parameters', 'assumptions']);
    assert.deepEqual(adapter.calls, ['describeKey']);
  });

  it('another DescribeKey failure (the network, a throttle) fails the key check, and leaves the credentials unjudged', async () => {
    const adapter = new ProbedAdapter();
    adapter.failNext('describeKey', () => new ImportedKeyError('CloudError', 'huaweicloud describe-key failed: connect ECONNREFUSED 127.0.0.1:9'));
    const report = await probe(adapter, { keyId: 'k', profile: huaweicloudProfile });
    assert.equal(statusOf(report, 'credentials'), 'skipped');
    assert.equal(statusOf(report, 'key'), 'failed');
    assert.match(summaryOf(report, 'key'), /^DescribeKey failed: CloudError: .*ECONNREFUSED/);
    assert.equal(statusOf(report, 'clock'), 'skipped');
    assert.equal(probeExitStatus(report), 1);
  });

  it('credentials that cannot be used (none found): "not usable", and the clock not judged even where the adapter gives a time', async () => {
    const adapter = new ProbedAdapter();
    adapter.clock = new Date(Date.now() - 3_600_000);
    adapter.failNext('describeKey', () => new ImportedKeyError('CloudError', 'describing key k: CredentialsProviderError: Could not load credentials from any providers'));
    const report = await probe(adapter, { keyId: 'k', profile: awsProfile });
    assert.equal(statusOf(report, 'credentials'), 'failed');
    assert.match(summaryOf(report, 'credentials'), /^not usable: CloudError: .*Could not load credentials/);
    assert.equal(statusOf(report, 'clock'), 'skipped');
    assert.equal(report.clock, undefined);
  });

  it('a GetParametersForImport refusal fails that check', async () => {
    const adapter = new ProbedAdapter();
    const keyId = await externalKey(adapter);
    adapter.failNext('getImportParameters', () => new ImportedKeyError('InvalidArgument', 'UnsupportedOperationException: no', { cloudCode: 'UnsupportedOperationException' }));
    const report = await probe(adapter, { keyId, profile: awsProfile });
    assert.equal(statusOf(report, 'import-parameters'), 'failed');
    assert.match(summaryOf(report, 'import-parameters'), /^GetParametersForImport \(RSAES_OAEP_SHA_256, RSA_2048\) failed: InvalidArgument \(UnsupportedOperationException\)/);
    assert.equal(probeExitStatus(report), 1);
  });

  it('a wrapping key of another size than asked, or an expired token, fails the check', async () => {
    const bigger = new (class extends ProbedAdapter {
      override async getImportParameters(...args: Parameters<StubAdapter['getImportParameters']>): Promise<ImportParameters> {
        const params = await super.getImportParameters(...args);
        return { ...params, publicKey: generateWrappingKeyPair('RSA_3072').publicKeyDer };
      }
    })();
    const keyId = await externalKey(bigger);
    const wrongSize = await probe(bigger, { keyId, profile: awsProfile });
    assert.equal(statusOf(wrongSize, 'import-parameters'), 'failed');
    assert.match(summaryOf(wrongSize, 'import-parameters'), /wrapping key RSA 3072 bits; .*: RSA_2048 was asked for$/);

    const stale = new ProbedAdapter();
    const staleKey = await externalKey(stale);
    stale.clock = new Date(Date.now() + 2 * 86_400_000);
    const expired = await probe(stale, { keyId: staleKey, profile: awsProfile });
    assert.match(summaryOf(expired, 'import-parameters'), /: the token is not valid now$/);
    assert.equal(statusOf(expired, 'import-parameters'), 'failed');
  });

  it('a wrapping algorithm the profile does not offer for the key spec is not asked for', async () => {
    const adapter = new ProbedAdapter();
    const keyId = await externalKey(adapter, 'RSA_2048');
    const report = await probe(adapter, { keyId, profile: awsProfile, wrappingAlgorithm: 'RSAES_OAEP_SHA_256' });
    assert.equal(statusOf(report, 'import-parameters'), 'failed');
    assert.match(summaryOf(report, 'import-parameters'), /^RSAES_OAEP_SHA_256 is not offered by aws for key spec RSA_2048; offered: RSA_AES_KEY_WRAP_SHA_256, /);
    assert.deepEqual(adapter.calls, ['describeKey']);
    const china = await probe(adapter, { keyId, profile: awsProfile, wrappingAlgorithm: 'SM2PKE', region: 'eu-west-1' });
    assert.match(summaryOf(china, 'import-parameters'), /^SM2PKE: .*China/);
  });

  describe('assumptions (where the adapter offers probeAssumptions)', () => {
    it('a contradicted verdict fails the run, and every verdict is kept with what was seen', async () => {
      const verdicts: AssumptionVerdict[] = [
        { id: 'keyState', summary: 'states are names', verdict: 'contradicted', seen: 'keyMetadata.keyState="3"' },
        { id: 'errorEnvelope', summary: 'errors under message', verdict: 'confirmed', seen: 'message' },
        { id: 'timeZone', summary: 'dates in +08:00', verdict: 'not exercised' },
      ];
      const adapter = withAssumptions(new ProbedAdapter(), verdicts);
      const keyId = await externalKey(adapter);
      const report = await probe(adapter, { keyId, profile: awsProfile });
      assert.equal(report.ok, false);
      assert.equal(probeExitStatus(report), 1);
      assert.deepEqual(report.assumptions, verdicts);
      assert.equal(statusOf(report, 'assumptions'), 'failed');
      assert.equal(summaryOf(report, 'assumptions'), '1 confirmed, 1 contradicted, 1 not exercised');
      assert.deepEqual(adapter.calls, ['describeKey', 'getImportParameters', `probeAssumptions:${keyId}`]);
      const table = formatReport(report);
      assert.match(table, /^keyState\s+contradicted\s+states are names \(seen: keyMetadata\.keyState="3"\)$/m);
      assert.match(table, /^timeZone\s+not exercised\s+dates in \+08:00$/m);
    });

    it('confirmed and not exercised verdicts pass', async () => {
      const adapter = withAssumptions(new ProbedAdapter(), [
        { id: 'a', summary: 'a', verdict: 'confirmed' }, { id: 'b', summary: 'b', verdict: 'not exercised' },
      ]);
      const keyId = await externalKey(adapter);
      const report = await probe(adapter, { keyId, profile: awsProfile });
      assert.equal(report.ok, true);
      assert.equal(statusOf(report, 'assumptions'), 'ok');
    });

    it('are probed on a missing key, after another error reply, and after a refused signature too (evidence: the adapter tries the other readings of how to sign), not without a reply', async () => {
      const throttled = withAssumptions(new ProbedAdapter(), [{ id: 'errorEnvelope', summary: 's', verdict: 'confirmed' }]);
      throttled.failNext('describeKey', () => new ImportedKeyError('CloudError', 'Throttling', { cloudCode: 'Throttling' }));
      await probe(throttled, { keyId: 'k', profile: awsProfile });
      assert.deepEqual(throttled.calls, ['describeKey', 'probeAssumptions:k']);
      const silent = withAssumptions(new ProbedAdapter(), [{ id: 'x', summary: 's', verdict: 'confirmed' }]);
      silent.failNext('describeKey', () => new ImportedKeyError('CloudError', 'connect ECONNREFUSED'));
      const unanswered = await probe(silent, { keyId: 'k', profile: awsProfile });
      assert.deepEqual(silent.calls, ['describeKey']);
      assert.equal(summaryOf(unanswered, 'assumptions'), 'not looked at: the cloud did not answer');
      const missing = withAssumptions(new ProbedAdapter(), [{ id: 'errorEnvelope', summary: 's', verdict: 'confirmed' }]);
      await probe(missing, { keyId: 'gone', profile: awsProfile });
      assert.deepEqual(missing.calls, ['describeKey', 'probeAssumptions:gone']);
      const refused = withAssumptions(new ProbedAdapter(), [{ id: 'x', summary: 's', verdict: 'confirmed' }]);
      refused.failNext('describeKey', () => new ImportedKeyError('CloudError', 'x', { cloudCode: 'SignatureDoesNotMatch' }));
      const refusedReport = await probe(refused, { keyId: 'k', profile: awsProfile });
      assert.deepEqual(refused.calls, ['describeKey', 'probeAssumptions:k']);
      assert.equal(statusOf(refusedReport, 'credentials'), 'failed');
    });

    it('a probe that throws fails the assumptions check, with its message made printable', async () => {
      const adapter = withAssumptions(new ProbedAdapter(), () => {
        throw new ImportedKeyError('CloudError', `bad reply ${'ab'.repeat(40)}`);
      });
      const keyId = await externalKey(adapter);
      const report = await probe(adapter, { keyId, profile: awsProfile });
      assert.equal(statusOf(report, 'assumptions'), 'failed');
      assert.equal(summaryOf(report, 'assumptions'), 'could not be probed: CloudError: bad reply <long value omitted>');
    });
  });

  it('isCredentialRefusal: the clouds\' signature and key codes, and credential words; not a missing key nor a state', () => {
    for (const cloudCode of ['UnrecognizedClientException', 'InvalidSignatureException', 'SignatureDoesNotMatch', 'InvalidAccessKeyId.NotFound', 'InvalidTimeStamp.Expired', 'APIGW.0301', 'AccessDeniedException']) {
      assert.ok(isCredentialRefusal(new ImportedKeyError('CloudError', 'refused', { cloudCode })), cloudCode);
    }
    assert.ok(isCredentialRefusal(new ImportedKeyError('CloudError', 'pingan DescribeKey failed: INVALID_SIGN: the signature is invalid', { cloudCode: 'INVALID_SIGN' })));
    assert.ok(!isCredentialRefusal(new ImportedKeyError('KeyNotFound', 'key k not found', { cloudCode: 'NotFoundException' })));
    assert.ok(!isCredentialRefusal(new ImportedKeyError('InvalidKeyState', 'disabled', { cloudCode: 'KMS.0209' })));
    assert.ok(!isCredentialRefusal(new Error('signature')), 'only our errors are judged');
  });

  it('printable: long base64 / hexadecimal runs are omitted, whitespace folded, the length bounded', () => {
    assert.equal(printable(`token ${'A1+/'.repeat(11)} end`), 'token <long value omitted> end');
    assert.equal(printable(`key 0d0466b0-e727-4d9c-b35d-f84bb474a37f arn:aws:kms:us-east-1:111122223333:key/0d0466b0-e727-4d9c-b35d-f84bb474a37f`),
      'key 0d0466b0-e727-4d9c-b35d-f84bb474a37f arn:aws:kms:us-east-1:111122223333:key/0d0466b0-e727-4d9c-b35d-f84bb474a37f');
    assert.equal(printable('a\n  b'), 'a b');
    assert.equal(printable('word '.repeat(200)).length, 400);
  });

  it('settingsFailure: one failed settings check', () => {
    const report = settingsFailure('huaweicloud', 'k', new ImportedKeyError('InvalidArgument', 'projectId is required'));
    assert.deepEqual(report.checks, [{ id: 'settings', status: 'failed', summary: 'InvalidArgument: projectId is required' }]);
    assert.equal(probeExitStatus(report), 1);
    assert.match(formatReport(report), /^settings\s+failed\s+InvalidArgument: projectId is required$/m);
  });
});
