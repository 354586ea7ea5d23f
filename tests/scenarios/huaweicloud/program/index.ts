// TEST ONLY: one ImportedKey on cloud "huaweicloud", every argument from the stack config `hwtest:*`,
// so the scenario tests change one value between runs the way a user edits a program.
import * as pulumi from '@pulumi/pulumi';
import { ImportedKey } from '../../../../sdk';
import { commonKeyArgs } from '../../../support/key-program';

const config = new pulumi.Config('hwtest');

const key = new ImportedKey(config.get('name') ?? 'payments-key', {
  cloud: 'huaweicloud',
  ...commonKeyArgs(config),
  projectId: config.require('projectId'),
});

export const keyId = key.keyId;
export const keyState = key.keyState;
export const validTo = key.validTo;
export const expirationModel = key.expirationModel;
export const alias = key.alias;
