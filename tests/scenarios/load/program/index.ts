// TEST ONLY: a stack of many ImportedKeys on every cloud, against the emulator, for the load scenario
// (tests/scenarios/load.test.ts). Everything comes from the stack config `loadtest:*`:
//   counts      JSON, keys per cloud, e.g. {"aws":40,"alicloud":40,"huaweicloud":40,"pingan":40}
//   seed        secret, base64: each key's material is HMAC-SHA256(seed, key name) (../material.ts)
//   endpoint    the emulator's URL;  projectId  the Huawei project;  expiresIn  optional rolling expiry (ISO 8601)
import * as pulumi from '@pulumi/pulumi';
import { ImportedKey } from '../../../../sdk';
import { aliasFor, keyNames, materialFor, type LoadCloud } from '../material';

const config = new pulumi.Config('loadtest');
const counts = config.requireObject<Partial<Record<LoadCloud, number>>>('counts');
const seed = config.requireSecret('seed');
const endpoint = config.require('endpoint');
const projectId = config.require('projectId');
const expiresIn = config.get('expiresIn');

const keys: Record<string, ImportedKey> = {};
for (const { cloud, name } of keyNames(counts)) {
  const alias = aliasFor(cloud, name);
  keys[name] = new ImportedKey(name, {
    cloud,
    endpoint,
    description: `load test ${name}`,
    // AWS, Alibaba and Ping An take the alias given; Huawei's is derived from the resource name.
    ...(cloud === 'huaweicloud' ? { projectId } : {}),
    ...(alias ? { alias } : {}),
    keyMaterial: seed.apply((s) => materialFor(s, name).toString('base64')),
    expiresIn,
  });
}

export const keyIds = pulumi.all(Object.fromEntries(Object.entries(keys).map(([name, key]) => [name, key.keyId])));
export const keyStates = pulumi.all(Object.fromEntries(Object.entries(keys).map(([name, key]) => [name, key.keyState])));
