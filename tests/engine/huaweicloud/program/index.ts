// TEST ONLY: one ImportedKey on cloud "huaweicloud", every argument from the stack config `hwtest:*`,
// so the scenario tests change one value between runs the way a user edits a program.
import * as pulumi from '@pulumi/pulumi';
import { ImportedKey } from '../../../../sdk';

const config = new pulumi.Config('hwtest');

const key = new ImportedKey(config.get('name') ?? 'payments-key', {
  cloud: 'huaweicloud',
  endpoint: config.require('endpoint'),
  projectId: config.require('projectId'),
  keyMaterial: config.requireSecret('keyMaterial'),
  expiresAt: config.get('expiresAt'),
  expiresIn: config.get('expiresIn'),
  renewBefore: config.get('renewBefore'),
  keyId: config.get('keyId'),
  alias: config.get('alias'),
  deletionWindowInDays: config.getNumber('deletionWindowInDays'),
});

export const keyId = key.keyId;
export const keyState = key.keyState;
export const validTo = key.validTo;
export const expirationModel = key.expirationModel;
export const alias = key.alias;
