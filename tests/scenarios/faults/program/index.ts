// TEST ONLY: ImportedKeys on every cloud (AWS, Alibaba, Huawei, Ping An) against the emulator, for the fault scenarios
// (tests/scenarios/faults.test.ts).
// Everything comes from the stack config `faultstest:*`:
//   keys        JSON, [{"name": "aws", "cloud": "aws"}, ...]
//   seed        secret, base64: each key's material is HMAC-SHA256(seed, key name) (../material.ts)
//   endpoint    the emulator's URL;  projectId  the Huawei project;  expiresAt  optional
import * as pulumi from '@pulumi/pulumi';
import { ImportedKey } from '../../../../sdk';
import { aliasFor, materialFor, type FaultKey } from '../material';

const config = new pulumi.Config('faultstest');
const keys = config.requireObject<FaultKey[]>('keys');
const seed = config.requireSecret('seed');
const endpoint = config.require('endpoint');
const projectId = config.require('projectId');
const expiresAt = config.get('expiresAt');

const made: Record<string, ImportedKey> = {};
for (const key of keys) {
  const alias = aliasFor(key);
  made[key.name] = new ImportedKey(key.name, {
    cloud: key.cloud,
    endpoint,
    description: `faults test ${key.name}`,
    ...(key.cloud === 'huaweicloud' ? { projectId } : {}),
    ...(alias ? { alias } : {}),
    keyMaterial: seed.apply((s) => materialFor(s, key.name).toString('base64')),
    expiresAt,
  });
}

export const keyIds = pulumi.all(Object.fromEntries(Object.entries(made).map(([name, key]) => [name, key.keyId])));
export const keyStates = pulumi.all(Object.fromEntries(Object.entries(made).map(([name, key]) => [name, key.keyState])));
