// TEST ONLY: the ImportedKey arguments every cloud's test program reads from its stack config the same way,
// so the scenario tests change one value between runs the way a user edits a program.
import type * as pulumi from '@pulumi/pulumi';

export function commonKeyArgs(config: pulumi.Config) {
  return {
    endpoint: config.require('endpoint'),
    keyMaterial: config.requireSecret('keyMaterial'),
    expiresAt: config.get('expiresAt'),
    expiresIn: config.get('expiresIn'),
    renewBefore: config.get('renewBefore'),
    keyId: config.get('keyId'),
    alias: config.get('alias'),
    description: config.get('description'),
    deletionWindowInDays: config.getNumber('deletionWindowInDays'),
  };
}
