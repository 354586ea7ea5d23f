// TEST ONLY: ImportedKeys whose arguments come from stack config, for tests/scenarios/bad-inputs.test.ts.
//   badinputs:keys       JSON list of { name, args }: each ImportedKey's arguments but the material
//   badinputs:materials  secret JSON object: resource name → its keyMaterial (any JSON value; absent = left out)
import * as pulumi from '@pulumi/pulumi';
import { ImportedKey, type ImportedKeyArgs } from '../../../../sdk';

const config = new pulumi.Config('badinputs');
const keys = config.requireObject<Array<{ name: string; args: Record<string, unknown> }>>('keys');
const materials = config.requireSecretObject<Record<string, unknown>>('materials');

for (const { name, args } of keys) {
  // Deliberately anything JSON can say: a number for a string, unknown arguments, and so on.
  new ImportedKey(name, { ...args, keyMaterial: materials.apply((m) => m[name]) } as unknown as ImportedKeyArgs);
}
