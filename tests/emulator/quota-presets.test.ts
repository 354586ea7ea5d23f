// The preset tables (quota-presets.ts) against the emulator's own protocols: every operation a quota names is one the
// cloud's protocol serves (a misspelt name would silently never be limited), no operation is under two quotas, every
// figure is a valid rate with its source, and the figures the issue names are the ones AWS publishes.

import assert from 'node:assert/strict';
import { PUBLISHED_QUOTAS } from '../../emulator/quota-presets';
import { AWS_OPERATIONS } from '../../emulator/protocols/aws/operations';
import { OPERATIONS as ALIBABA_OPERATIONS } from '../../emulator/protocols/alicloud/operations';
import { OPERATIONS as HUAWEI_OPERATIONS } from '../../emulator/protocols/huaweicloud/operations';
import { OPERATIONS as PINGAN_OPERATIONS } from '../../emulator/protocols/pingan/operations';
import { protocols } from '../../emulator/protocols';
import { RateWindow } from '../../emulator/rate-window';

const SERVED: Record<string, readonly string[]> = {
  aws: AWS_OPERATIONS,
  alicloud: Object.keys(ALIBABA_OPERATIONS),
  huaweicloud: Object.keys(HUAWEI_OPERATIONS),
  pingan: Object.keys(PINGAN_OPERATIONS),
};

describe('emulator / quota presets', () => {
  it('has a table for every cloud the emulator serves, under the protocol name', () => {
    assert.deepEqual(Object.keys(PUBLISHED_QUOTAS).sort(), protocols.map((p) => p.cloud).sort());
  });

  for (const [cloud, groups] of Object.entries(PUBLISHED_QUOTAS)) {
    it(`${cloud}: every operation named is served, none is under two quotas, every figure is a rate with a source`, () => {
      const seen = new Set<string>();
      for (const group of groups) {
        assert.doesNotThrow(() => new RateWindow(group.perSecond), group.name);
        assert.match(group.source, /https:\/\//, `${group.name} cites its source`);
        if (group.operations === '*') continue;
        for (const operation of group.operations) {
          assert.ok(SERVED[cloud].includes(operation), `${cloud}:${operation} (${group.name}) is an operation the emulator serves`);
          assert.ok(!seen.has(operation), `${cloud}:${operation} is under one quota only`);
          seen.add(operation);
        }
      }
    });
  }

  it("AWS's figures for the import path: GetParametersForImport 0.25, CreateKey 5, ImportKeyMaterial 5 per second", () => {
    const rate = (operation: string): number | undefined => PUBLISHED_QUOTAS.aws.find((g) => g.operations !== '*' && g.operations.includes(operation))?.perSecond;
    assert.deepEqual([rate('GetParametersForImport'), rate('CreateKey'), rate('ImportKeyMaterial')], [0.25, 5, 5]);
  });

  it('only Ping An, which publishes none, has figures marked as ours', () => {
    for (const [cloud, groups] of Object.entries(PUBLISHED_QUOTAS)) {
      for (const group of groups) assert.equal(group.ours === true, cloud === 'pingan', `${cloud} ${group.name}`);
    }
  });
});
