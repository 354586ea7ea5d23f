// The emulator's clock reaches clients as a cloud's does: in the Date header of every reply. The AWS SDK
// signs with the time it learns there, so signatures on that time (and on times shown before a jump) are on time.

import assert from 'node:assert/strict';
import { CreateKeyCommand, DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { EMULATOR_CREDENTIALS } from '../../../support/emulator';
import { expectAwsError, useKmsOnEmulator } from '../../../support/aws-client';

const DAY_MS = 86_400_000;

describe('emulator / AWS: the clock in Date headers', () => {
  const aws = useKmsOnEmulator();
  const { emu } = aws;

  async function dateHeader(): Promise<number> {
    const reply = await fetch(`${emu.url}/`, { method: 'POST', headers: { 'x-amz-target': 'TrentService.ListKeys', 'content-type': 'application/x-amz-json-1.1' }, body: '{}' });
    return Date.parse(reply.headers.get('date')!);
  }

  it('replies carry the emulator clock in Date, moved when the clock is moved', async () => {
    assert.ok(Math.abs((await dateHeader()) - Date.now()) < 2000);
    await emu.advanceClock(10 * 86_400);
    const shown = await dateHeader();
    assert.ok(Math.abs(shown - (Date.now() + 10 * DAY_MS)) < 2000, `Date ${new Date(shown).toISOString()}`);
  });

  it('the AWS SDK learns the moved clock from Date and keeps working, also after the clock jumps back', async () => {
    const { KeyMetadata } = await aws.kms.send(new CreateKeyCommand({ Origin: 'EXTERNAL' }));
    await emu.advanceClock(10 * 86_400);
    await aws.kms.send(new DescribeKeyCommand({ KeyId: KeyMetadata!.KeyId }));
    const offset = (await aws.kms.config.systemClockOffset) ?? 0;
    assert.ok(Math.abs(offset - 10 * DAY_MS) < 2000, `the SDK's clock offset is ${offset} ms`);
    await aws.kms.send(new DescribeKeyCommand({ KeyId: KeyMetadata!.KeyId })); // signed 10 days ahead: on the emulator's time
    await emu.setClock(new Date().toISOString());
    await aws.kms.send(new DescribeKeyCommand({ KeyId: KeyMetadata!.KeyId })); // still signed with the time shown before the jump
  });

  it('a signature far from every time the clock has shown is still refused', async () => {
    const stale = new KMSClient({ endpoint: emu.url, region: 'us-east-1', credentials: EMULATOR_CREDENTIALS, maxAttempts: 1, systemClockOffset: 2 * DAY_MS });
    await expectAwsError(stale.send(new CreateKeyCommand({})), 'InvalidSignatureException', 400);
    stale.destroy();
  });
});
