// Each fault switch of /_emulator/faults, seen through the unmodified AWS SDK: latency,
// throttling with AWS's own ThrottlingException (and the SDK's retry getting through), fail next N
// with 500 / 503, and a dropped reply after the work was done. Plus request counts and reset, and fractional
// maxPerSecond (AWS's 0.25 per second) on a clock the test moves.

import assert from 'node:assert/strict';
import { CreateKeyCommand, DescribeKeyCommand, ListKeysCommand, type KMSClient } from '@aws-sdk/client-kms';
import { useEmulator, control } from '../support/emulator';
import { expectAwsError, kmsClient } from '../support/aws-client';
import { Faults } from '../../emulator/faults';

describe('emulator: fault switches, request counts and reset', () => {
  const emu = useEmulator();
  let once: KMSClient; // maxAttempts 1: sees each fault as it is
  let retrying: KMSClient; // the SDK's default retry policy
  before(() => {
    once = kmsClient(emu.url, { maxAttempts: 1 });
    retrying = kmsClient(emu.url);
  });
  afterEach(async () => {
    await emu.reset();
  });

  it('counts requests by cloud and operation, and reset clears counts, faults, keys and the clock', async () => {
    await once.send(new CreateKeyCommand({ Origin: 'EXTERNAL' }));
    await once.send(new CreateKeyCommand({ Origin: 'EXTERNAL' }));
    await once.send(new ListKeysCommand({}));
    assert.deepEqual(await emu.requestCounts(), { 'aws:CreateKey': 2, 'aws:ListKeys': 1 });
    await emu.addFault({ target: 'aws:*', latencyMs: 5 });
    await emu.advanceClock(3600);
    await emu.reset();
    assert.deepEqual(await emu.requestCounts(), {});
    assert.deepEqual(((await control(emu.url, 'GET', '/_emulator/faults')) as { faults: unknown[] }).faults, []);
    assert.deepEqual((await once.send(new ListKeysCommand({}))).Keys, []);
    const now = Date.parse(((await control(emu.url, 'GET', '/_emulator/clock')) as { now: string }).now);
    assert.ok(Math.abs(now - Date.now()) < 5_000);
  });

  it('latencyMs delays matching requests only', async () => {
    await emu.addFault({ target: 'aws:ListKeys', latencyMs: 400 });
    let started = Date.now();
    await once.send(new ListKeysCommand({}));
    assert.ok(Date.now() - started >= 400, 'ListKeys was delayed');
    started = Date.now();
    await once.send(new CreateKeyCommand({ Origin: 'EXTERNAL' }));
    assert.ok(Date.now() - started < 400, 'CreateKey was not');
  });

  it('throttleRate 1 throttles every matching request with ThrottlingException 400', async () => {
    await emu.addFault({ target: 'aws:CreateKey', throttleRate: 1 });
    await expectAwsError(once.send(new CreateKeyCommand({ Origin: 'EXTERNAL' })), 'ThrottlingException', 400);
    await once.send(new ListKeysCommand({}));
    assert.deepEqual((await once.send(new ListKeysCommand({}))).Keys, [], 'the throttled CreateKey did nothing');
  });

  it('throttleRate 0.5 throttles every second request; the SDK retries through it', async () => {
    await emu.addFault({ target: 'aws:ListKeys', throttleRate: 0.5 });
    await once.send(new ListKeysCommand({})); // 1st passes
    await expectAwsError(once.send(new ListKeysCommand({})), 'ThrottlingException', 400); // 2nd throttled
    await once.send(new ListKeysCommand({})); // 3rd passes
    await retrying.send(new ListKeysCommand({})); // 4th throttled, the SDK's retry (5th) passes
    assert.equal((await emu.requestCounts())['aws:ListKeys'], 5);
  });

  it('maxPerSecond N lets N matching requests through per second and throttles the rest, like a quota', async () => {
    await emu.addFault({ target: 'aws:ListKeys', maxPerSecond: 2 });
    await once.send(new ListKeysCommand({}));
    await once.send(new ListKeysCommand({}));
    await expectAwsError(once.send(new ListKeysCommand({})), 'ThrottlingException', 400);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await once.send(new ListKeysCommand({}));
  });

  it('failNext N with 500 → KMSInternalException, with 503 → DependencyTimeoutException, then requests succeed', async () => {
    await emu.addFault({ target: 'aws:ListKeys', failNext: 2, failStatus: 500 });
    await expectAwsError(once.send(new ListKeysCommand({})), 'KMSInternalException', 500);
    await expectAwsError(once.send(new ListKeysCommand({})), 'KMSInternalException', 500);
    await once.send(new ListKeysCommand({}));
    await emu.addFault({ target: 'aws:*', failNext: 1, failStatus: 503 });
    await expectAwsError(once.send(new ListKeysCommand({})), 'DependencyTimeoutException', 503);
    await once.send(new ListKeysCommand({}));
    // The SDK retries a 500 and gets through.
    await emu.addFault({ target: 'aws:ListKeys', failNext: 1 });
    await retrying.send(new ListKeysCommand({}));
  });

  it('dropNext does the work and then drops the connection: the client sees a network error, the key exists', async () => {
    await emu.addFault({ target: 'aws:CreateKey', dropNext: 1 });
    await assert.rejects(once.send(new CreateKeyCommand({ Origin: 'EXTERNAL', Description: 'dropped reply' })), (error: Error & { $metadata?: { httpStatusCode?: number } }) => {
      assert.equal(error.$metadata?.httpStatusCode, undefined, 'no HTTP response reached the client');
      return true;
    });
    const keys = (await once.send(new ListKeysCommand({}))).Keys!;
    assert.equal(keys.length, 1, 'the work was done');
    const described = await once.send(new DescribeKeyCommand({ KeyId: keys[0].KeyId }));
    assert.equal(described.KeyMetadata!.Description, 'dropped reply');
    // One-shot: the next CreateKey gets its reply.
    await once.send(new CreateKeyCommand({ Origin: 'EXTERNAL' }));
  });

  it('refuses bad fault rules with a 400 naming the field', async () => {
    await assert.rejects(control(emu.url, 'POST', '/_emulator/faults', { target: 'CreateKey', latencyMs: 1 }), /'target'/);
    await assert.rejects(control(emu.url, 'POST', '/_emulator/faults', { target: 'aws:*', throttleRate: 2 }), /'throttleRate'/);
    await assert.rejects(control(emu.url, 'POST', '/_emulator/faults', { target: 'aws:*', failNext: 1, failStatus: 502 }), /'failStatus'/);
    await assert.rejects(control(emu.url, 'POST', '/_emulator/faults', { target: 'aws:*' }), /at least one/);
    await assert.rejects(control(emu.url, 'POST', '/_emulator/faults', { target: 'aws:*', latency: 5 }), /unknown field 'latency'/);
    await assert.rejects(control(emu.url, 'GET', '/_emulator/nothing'), /404/);
  });
});

describe('emulator: fractional maxPerSecond', () => {
  const emu = useEmulator();
  afterEach(() => emu.reset());

  it('0.25 lets one matching request through in each 4-second interval (on a clock the test moves)', () => {
    let now = 1_000_000;
    const faults = new Faults(undefined, () => now);
    faults.add({ target: 'aws:GetParametersForImport', maxPerSecond: 0.25 });
    const throttled = (): boolean => faults.decide('aws', 'GetParametersForImport').throttle;
    assert.equal(throttled(), false);
    now += 1_000;
    assert.equal(throttled(), true);
    now += 2_999;
    assert.equal(throttled(), true, '3.999 s after the first: still inside its interval');
    now += 1;
    assert.equal(throttled(), false, '4 s after the first');
    assert.equal(faults.decide('aws', 'DescribeKey').throttle, false, 'other operations are not limited');
  });

  it('through the control API: 0.25 is accepted and shown as given; the second request in the interval is throttled', async () => {
    const kms = kmsClient(emu.url, { maxAttempts: 1 });
    const { added } = (await control(emu.url, 'POST', '/_emulator/faults', { target: 'aws:ListKeys', maxPerSecond: 0.25 })) as { added: Record<string, unknown> };
    assert.equal(added.maxPerSecond, 0.25);
    assert.equal(added.window, undefined, 'the window is internal');
    await kms.send(new ListKeysCommand({}));
    await expectAwsError(kms.send(new ListKeysCommand({})), 'ThrottlingException', 400);
  });

  it('refuses a maxPerSecond that is not a number from 0.001 to 1000000, naming the field and the range', async () => {
    for (const bad of [0, -1, 0.0005, 2_000_000, '5', null]) {
      await assert.rejects(
        control(emu.url, 'POST', '/_emulator/faults', { target: 'aws:*', maxPerSecond: bad }),
        /'maxPerSecond' must be a number of requests per second from 0\.001 to 1000000/,
      );
    }
  });
});
