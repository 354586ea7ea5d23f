// Ping An Cloud KMS behind the cloud-neutral KmsAdapter: translates our shapes to the 2017-01-01 API and back (the
// client, its retries and clock: client.ts, retries.ts, clock.ts; the key metadata: describe.ts; errors: errors.ts).
// Every point of the API the pages leave open is a named assumption in assumptions.ts; probeAssumptions
// (adapter-probe.ts) checks them against a real account.
//
// No findCreated: Ping An has no operation that lists keys, so a key made by a CreateCmk whose reply was lost cannot
// be found again; CreateCmk is never sent twice, and such a failure says what may be left behind.
import { ImportedKeyError, needs } from '../../../core/errors';
import type { WrappingAlgorithm } from '../../../core/wrapping';
import type {
  AssumptionVerdict,
  CreateKeyRequest,
  ImportMaterialRequest,
  ImportParameters,
  KeyDescription,
  KmsAdapter,
  ReimportMode,
} from '../adapter';
import { requireDeletionWindow } from '../deletion-window';
import { probeAssumptions } from './adapter-probe';
import {
  DELETION_WINDOW_FIELD,
  encodeWrappedMaterial,
  enableKeyParameters,
  expiryParameter,
  IMPORT_MATERIAL_FIELDS,
  IMPORT_PARAMETER_FIELDS,
  IMPORT_PARAMETERS_VALIDITY_MS,
  KEY_USAGE_ENCRYPT_DECRYPT,
  ORIGIN_EXTERNAL,
  parsePinganTime,
  readField,
  readImportToken,
  readPublicKey,
  writeImportToken,
} from './assumptions';
import type { PinganKmsClient } from './client';
import { toKeyDescription } from './describe';
import { ALGORITHMS, KEY_ID_PATTERN, KEY_SPECS, KEY_USAGES, pinganProfile, WRAPPING_KEY_SPECS } from './profile';
import { mayHaveCreated } from './retries';

export class PinganKmsAdapter implements KmsAdapter {
  readonly cloud = 'pingan';
  /** The same material imported again over live material sets the new expiry (assumptions.ts REIMPORT_IN_PLACE). */
  readonly reimportMode: ReimportMode = 'in-place';

  constructor(private readonly client: PinganKmsClient) {}

  async createKey(request: CreateKeyRequest): Promise<KeyDescription> {
    // User input is `check`'s; kept here: what would be unsafe to send or to drop silently.
    needs((KEY_SPECS as readonly string[]).includes(request.keySpec), `keySpec must be ${KEY_SPECS.join(' or ')} for pingan`);
    needs(request.keyUsage === undefined || (KEY_USAGES as readonly string[]).includes(request.keyUsage), `keyUsage must be ${KEY_USAGES.join(' or ')} for pingan`);
    needs(!request.tags || Object.keys(request.tags).length === 0, 'tags are not supported for pingan keys (CreateCmk takes none)');
    // request.creationToken is not written anywhere: with no list operation no later run could look for it.
    const params: Record<string, string> = {
      origin: ORIGIN_EXTERNAL,
      keyUsage: KEY_USAGE_ENCRYPT_DECRYPT,
      ...(request.description !== undefined ? { description: request.description } : {}),
      ...(request.alias !== undefined ? { alias: request.alias } : {}),
    };
    const sentAt = new Date();
    let reply: Record<string, unknown>;
    try {
      reply = await this.client.call('CreateCmk', params);
    } catch (error) {
      if (!mayHaveCreated(error)) throw error;
      throw unconfirmedCreate(error as ImportedKeyError, sentAt, request.alias);
    }
    const described = toKeyDescription(reply);
    if (!described) throw new ImportedKeyError('CloudError', 'pingan CreateCmk answered SUCCESS without keyMetadata.keyId');
    // A new external key has no material yet, whatever a sparse reply says.
    return { ...described, keyState: described.keyState === 'Unknown' ? 'PendingImport' : described.keyState, origin: 'EXTERNAL', keyUsage: request.keyUsage ?? KEY_USAGES[0] };
  }

  async describeKey(keyId: string): Promise<KeyDescription | undefined> {
    checkKeyId(keyId);
    try {
      const reply = await this.client.call('DescribeKey', { keyId });
      const described = toKeyDescription(reply);
      if (!described) throw new ImportedKeyError('CloudError', 'pingan DescribeKey answered SUCCESS without keyMetadata.keyId');
      return described;
    } catch (error) {
      if (error instanceof ImportedKeyError && error.code === 'KeyNotFound') return undefined;
      throw error;
    }
  }

  async getImportParameters(keyId: string, algorithm: WrappingAlgorithm, wrappingKeySpec: string): Promise<ImportParameters> {
    checkKeyId(keyId);
    if (!ALGORITHMS.includes(algorithm)) {
      throw new ImportedKeyError('UnsupportedAlgorithm', `wrappingAlgorithm ${algorithm} is not offered by pingan; use one of ${ALGORITHMS.join(', ')}`);
    }
    needs((WRAPPING_KEY_SPECS as readonly string[]).includes(wrappingKeySpec), `wrappingKeySpec must be ${WRAPPING_KEY_SPECS.join(' or ')} on pingan`);
    const reply = await this.client.call('GetParametersForImport', { keyId, wrappingAlgorithm: algorithm, wrappingKeySpec });
    const asked = new Date();
    const publicKeyText = readField(reply, IMPORT_PARAMETER_FIELDS.publicKey)?.value;
    const tokenText = readField(reply, IMPORT_PARAMETER_FIELDS.importToken)?.value;
    if (typeof publicKeyText !== 'string' || typeof tokenText !== 'string') {
      throw new ImportedKeyError('CloudError', `pingan GetParametersForImport answered without ${IMPORT_PARAMETER_FIELDS.publicKey[0]} or ${IMPORT_PARAMETER_FIELDS.importToken[0]}`);
    }
    const publicKey = readPublicKey(publicKeyText);
    if (!publicKey) throw new ImportedKeyError('CloudError', 'pingan GetParametersForImport: publicKey is not hex (or base64) of an RSA public key');
    const importToken = readImportToken(tokenText);
    if (!importToken) throw new ImportedKeyError('CloudError', 'pingan GetParametersForImport: importToken is not hexadecimal');
    // Without an expiry in the reply: the documented validity of 24 h, counted from the reply (the cloud's time).
    const expires = parsePinganTime(readField(reply, IMPORT_PARAMETER_FIELDS.tokenExpireTime)?.value)
      ?? new Date((this.client.cloudTime() ?? asked).getTime() + IMPORT_PARAMETERS_VALIDITY_MS);
    return { keyId, publicKey: publicKey.der, importToken, parametersValidTo: expires.toISOString() };
  }

  async importMaterial(request: ImportMaterialRequest): Promise<{ keyMaterialId?: string }> {
    checkKeyId(request.keyId);
    let expiry: Record<string, string>;
    try {
      expiry = expiryParameter(request.expiresAt);
    } catch {
      // Kept (unsafe to send): an unreadable expiry must not go out as "never".
      throw new ImportedKeyError('InvalidArgument', 'expiresAt must be an ISO 8601 time such as 2027-01-31T00:00:00Z');
    }
    const fields = IMPORT_MATERIAL_FIELDS;
    await this.client.call('ImportKeyMaterial', {
      [fields.keyId]: request.keyId,
      [fields.encryptedKeyMaterial]: encodeWrappedMaterial(request.encryptedKeyMaterial),
      [fields.importToken]: writeImportToken(request.importToken),
      ...expiry,
    });
    return {};
  }

  async deleteMaterial(keyId: string): Promise<void> {
    checkKeyId(keyId);
    try {
      await this.client.call('DeleteKeyMaterial', { keyId });
    } catch (error) {
      // No code list is public: whatever the refusal, a key already pending import has no material, as asked.
      if (error instanceof ImportedKeyError && error.code !== 'KeyNotFound' && (await this.describeKey(keyId).catch(() => undefined))?.keyState === 'PendingImport') return;
      throw error;
    }
  }

  async scheduleDeletion(keyId: string, pendingWindowInDays: number): Promise<void> {
    checkKeyId(keyId);
    requireDeletionWindow(pinganProfile, pendingWindowInDays);
    try {
      await this.client.call('ScheduleKeyDeletion', { keyId, [DELETION_WINDOW_FIELD]: String(pendingWindowInDays) });
    } catch (error) {
      if (!(error instanceof ImportedKeyError)) throw error;
      if (error.code === 'KeyNotFound') return; // already gone
      // Already pending deletion (no code list is public): the deletion asked for is under way.
      const live = await this.describeKey(keyId).catch(() => 'unknown' as const);
      if (live === undefined || (live !== 'unknown' && live.keyState === 'PendingDeletion')) return;
      throw error;
    }
  }

  async enableKey(keyId: string): Promise<void> {
    checkKeyId(keyId);
    await this.client.call('EnableKey', enableKeyParameters(keyId));
  }

  async disableKey(keyId: string): Promise<void> {
    checkKeyId(keyId);
    await this.client.call('DisableKey', { keyId });
  }

  cloudTime(): Date | undefined {
    return this.client.cloudTime();
  }

  /** Read-only check of assumptions.ts against the real cloud (adapter-probe.ts). */
  probeAssumptions(keyId: string): Promise<AssumptionVerdict[]> {
    checkKeyId(keyId);
    return probeAssumptions(this.client, keyId);
  }

  /** Nothing to release: the client holds only its settings and clock (its sockets are node:http's shared agent's). */
  destroy(): void {}
}

/**
 * A CreateCmk whose outcome is unclear: Ping An may have made the key, and with no list operation it cannot be looked
 * for. The error says so and what to look for; the next `pulumi up` creates again (CreateCmk is never resent blind).
 */
function unconfirmedCreate(error: ImportedKeyError, sentAt: Date, alias: string | undefined): ImportedKeyError {
  const which = alias !== undefined ? `with alias ${JSON.stringify(alias)}` : 'without an alias';
  return new ImportedKeyError(
    error.code,
    `${error.message}; Ping An may still have made the key, and having no operation that lists keys the provider cannot look for it: ` +
      `in the console, look for a PENDING_IMPORT key ${which} created around ${sentAt.toISOString()}, and schedule its deletion ` +
      '(or adopt it with keyId); the next `pulumi up` creates a key again',
    { cloudCode: error.cloudCode },
  );
}

/** Key ids go into a signed parameter; `check` judges users' (keyIdPattern), recorded ones are checked here too. */
function checkKeyId(keyId: string): void {
  needs(typeof keyId === 'string' && KEY_ID_PATTERN.test(keyId), 'keyId must be a Ping An key id such as 1234abcd-12ab-34cd-56ef-1234567890ab');
}
