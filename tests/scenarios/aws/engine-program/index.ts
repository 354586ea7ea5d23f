// TEST ONLY: what the real engine does around one ImportedKey, driven by stack config:
//   args (JSON: the key's arguments but the material), material (secret, base64) or materialPlain (not a secret),
//   options (JSON: protect, retainOnDelete, import), withDependent (a resource taking keyId), getId (ImportedKey.get).
import * as pulumi from '@pulumi/pulumi';
import { ImportedKey } from '../../../../sdk';

const config = new pulumi.Config();
const args = JSON.parse(config.get('args') ?? '{}');
const options = JSON.parse(config.get('options') ?? '{}') as pulumi.CustomResourceOptions;
const keyMaterial = config.get('materialPlain') ?? config.requireSecret('material');
const key = new ImportedKey('key', { cloud: 'aws', ...args, keyMaterial }, options);

// A dependent: its only input is the key's keyId, so it changes only when keyId does (or reads as unknown).
const echo: pulumi.dynamic.ResourceProvider = {
  async create(inputs) {
    return { id: 'echo', outs: inputs };
  },
  async diff(_id, olds, news) {
    return { changes: olds.value !== news.value };
  },
  async update(_id, _olds, news) {
    return { outs: news };
  },
};
class Dependent extends pulumi.dynamic.Resource {
  constructor(name: string, value: pulumi.Input<string>) {
    super(echo, name, { value }, {});
  }
}
if (config.getBoolean('withDependent')) new Dependent('dependent', key.keyId);

const getId = config.get('getId');
export const lookedUpState = getId
  ? ImportedKey.get('looked-up', getId, { cloud: 'aws', region: args.region ?? 'us-east-1', endpoint: args.endpoint }).keyState
  : undefined;
export const keyId = key.keyId;
export const keyState = key.keyState;
export const validTo = key.validTo;
