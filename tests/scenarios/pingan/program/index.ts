// TEST ONLY: one ImportedKey on cloud "pingan", every argument from the stack config `patest:*`,
// so the scenario tests change one value between runs the way a user edits a program.
import * as pulumi from '@pulumi/pulumi';
import { ImportedKey } from '../../../../sdk';
import { commonKeyArgs } from '../../../support/key-program';

const config = new pulumi.Config('patest');

const key = new ImportedKey(config.get('name') ?? 'payments-key', {
  cloud: 'pingan',
  ...commonKeyArgs(config),
  wrappingAlgorithm: config.get('wrappingAlgorithm'),
});

export const keyId = key.keyId;
export const keyState = key.keyState;
export const validTo = key.validTo;
export const expirationModel = key.expirationModel;
export const alias = key.alias;
