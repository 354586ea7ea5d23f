// TEST ONLY: one ImportedKey on cloud "alicloud", every argument from the stack config `alitest:*`,
// so the scenario tests change one value between runs the way a user edits a program.
import * as pulumi from '@pulumi/pulumi';
import { ImportedKey } from '../../../../sdk';
import { commonKeyArgs } from '../../../support/key-program';

const config = new pulumi.Config('alitest');

const key = new ImportedKey(config.get('name') ?? 'payments-key', {
  cloud: 'alicloud',
  ...commonKeyArgs(config),
  keySpec: config.get('keySpec'),
  protectionLevel: config.get('protectionLevel') as 'SOFTWARE' | 'HSM' | undefined,
  wrappingAlgorithm: config.get('wrappingAlgorithm'),
});

export const keyId = key.keyId;
export const keyState = key.keyState;
export const validTo = key.validTo;
export const expirationModel = key.expirationModel;
export const protectionLevel = key.protectionLevel;
