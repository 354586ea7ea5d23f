// TEST ONLY: one ImportedKey whose every argument, keyMaterialSource among them, comes from the stack config `args`
// (JSON): no key material is in the program or its config at all.
import * as pulumi from '@pulumi/pulumi';
import { ImportedKey } from '../../../../sdk';

const config = new pulumi.Config();
const key = new ImportedKey('key', JSON.parse(config.require('args')));

export const keyId = key.keyId;
export const keyState = key.keyState;
export const materialSource = key.materialSource;
export const materialDigest = key.materialDigest;
