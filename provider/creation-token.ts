// A creation token: written into a key with CreateKey (AWS tag, …) and looked for before creating again, so a create
// whose reply was lost, or whose host or CLI was killed before the import, is finished in the key it made instead
// of leaving an orphan and making a second one.
//
// Keyed by the material (HMAC-SHA256), so it says nothing about the material, and a replacement with new material
// never takes the old key; it also covers the stack, the resource and every argument fixed at creation, so another
// resource, stack or replacement (a changed key spec, alias, …) never takes a key that is not its own.

import { createHmac } from 'node:crypto';
import { ImportedKeyError } from '../core/errors';
import type { KeyInputs } from './types';
import { HsmMaterial, type Material } from './material-sources';

/** The tag (AWS) / description marker (elsewhere) the token is written under. */
export const CREATION_TAG = 'imported-key:creation';

/**
 * The whole description a key is created with on clouds whose CreateKey takes no tags (Alibaba, Huawei), in place of
 * the user's: the marker alone (54 characters) fits Huawei's 255 without cutting into the user's room, and the user's
 * description replaces it once the material is in (KmsAdapter.creationDone), or the state records it as pending.
 */
export function creationDescription(token: string): string {
  return `${CREATION_TAG} ${token}`;
}

export function creationToken(inputs: KeyInputs, material: Material): string {
  const identity = {
    scope: inputs.stackScope ?? '',
    resource: inputs.resourceName ?? '',
    cloud: inputs.cloud,
    region: inputs.region ?? '',
    endpoint: inputs.endpoint ?? '',
    projectId: inputs.projectId ?? '',
    keySpec: inputs.keySpec ?? '',
    keyUsage: inputs.keyUsage ?? '',
    protectionLevel: inputs.protectionLevel ?? '',
    description: inputs.description ?? '',
    // A derived alias is random per attempt (Huawei): not part of what identifies the create.
    alias: inputs.aliasDerived ? '' : inputs.alias ?? '',
    tags: Object.entries(inputs.tags ?? {}).sort(([a], [b]) => a.localeCompare(b)),
  };
  return createHmac('sha256', material instanceof HsmMaterial ? material.tokenKey : material).update(`imported-key creation token\n${JSON.stringify(identity)}`).digest('hex').slice(0, 32);
}

/**
 * The error of a CreateKey that may have made its key (no answer, or a server fault) when no key with its token was
 * found: the step fails saying what may be left behind, and that the next `up` looks for it before creating.
 */
export function unconfirmedCreate(error: unknown, lookFailure?: unknown): ImportedKeyError {
  const base = error instanceof ImportedKeyError ? error : new ImportedKeyError('CloudError', String((error as Error)?.message ?? error));
  const looked = lookFailure === undefined ? 'no key with its creation token was found' : `looking for a key with its creation token failed too (${(lookFailure as Error)?.message ?? String(lookFailure)})`;
  return new ImportedKeyError(
    base.code,
    `${base.message}; the cloud may still have made the key, and ${looked}: the next \`pulumi up\` looks for it by that token again and finishes it instead of creating another`,
    { cloudCode: base.cloudCode },
  );
}
