// Huawei Cloud KMS behind the cloud-neutral KmsAdapter: translates our shapes to the v1.0 REST API and back (the client,
// its retries and clock: client.ts, retries.ts, clock.ts; describe-key's mapping: describe.ts; errors: errors.ts).
import { randomBytes } from 'node:crypto';
import { creationDescription, unconfirmedCreate } from '../../creation-token';
import { ImportedKeyError, needs } from '../../../core/errors';
import type { WrappingAlgorithm } from '../../../core/wrapping';
import type {
  CreateKeyRequest,
  ImportMaterialRequest,
  ImportParameters,
  KeyDescription,
  KmsAdapter,
  ReimportMode,
} from '../adapter';
import { CreationListings } from '../creation-listings';
import { requireDeletionWindow } from '../deletion-window';
import type { HuaweicloudKmsClient } from './client';
import { toKeyDescription, type HuaweicloudKeyInfo } from './describe';
import { huaweicloudProfile, KEY_ALIAS_PATTERN, KEY_ID_PATTERN } from './profile';
import { mayHaveCreated } from './retries';

/** Our algorithm names → Huawei's wire names (Huawei calls SM2 public-key encryption SM2_ENCRYPT). */
const WIRE_ALGORITHM: Partial<Record<WrappingAlgorithm, string>> = {
  RSAES_OAEP_SHA_256: 'RSAES_OAEP_SHA_256',
  RSAES_OAEP_SHA_1: 'RSAES_OAEP_SHA_1',
  RSAES_PKCS1_V1_5: 'RSAES_PKCS1_V1_5',
  SM2PKE: 'SM2_ENCRYPT',
};

/**
 * The key_alias for create-key: the alias asked for, which must match Huawei's ^[a-zA-Z0-9:/_-]{1,255}$ (check
 * refuses others at preview; the provider derives a valid one when none is given), else one made up here.
 */
export function keyAliasFor(alias: string | undefined): string {
  // Random, not the time alone: creates running at once (one `pulumi up`) must not ask for the same alias.
  if (alias === undefined) return `imported-key-${Date.now().toString(36)}${randomBytes(6).toString('hex')}`;
  needs(KEY_ALIAS_PATTERN.test(alias), `alias ${JSON.stringify(alias.slice(0, 60))} is not a valid huaweicloud key_alias; it must match ${KEY_ALIAS_PATTERN.source}`);
  return alias;
}

/** A key a create in progress made, as a listing shows it: found by the creation token in its description. */
interface CreatedKey {
  keyId: string;
  alias?: string;
}

/** Per endpoint and project, for this process, for a minute: creation token → key (see findCreated). */
const creations = new CreationListings<CreatedKey>();

/** Forgets the listed keys (tests that count calls per create start from a known point). */
export function forgetCreationListings(): void {
  creations.clear();
}

export class HuaweicloudKmsAdapter implements KmsAdapter {
  readonly cloud = 'huaweicloud';
  /** Huawei refuses an import into a key that is not pending import (KMS.0310): reimport deletes material first. */
  readonly reimportMode: ReimportMode = 'delete-first';
  // create-key takes no tags: the creation token is the key's description until creationDone.
  readonly creationInDescription = true;

  constructor(private readonly client: HuaweicloudKmsClient) {}

  async createKey(request: CreateKeyRequest): Promise<KeyDescription> {
    // User input is `check`'s (provider/check.ts with the profile): keyUsage (sent as asked; Huawei refuses another) and
    // the description's length (Huawei refuses a longer one) are not judged here.
    // Kept: the key spec and the alias (keyAliasFor), which `check` refuses too, because
    // tests/provider/clouds/huaweicloud/adapter.test.ts pins the adapter's own refusal before any request.
    needs(
      (huaweicloudProfile.keySpecs as readonly string[]).includes(request.keySpec),
      `keySpec must be one of ${huaweicloudProfile.keySpecs.join(', ')} for huaweicloud`,
    );
    // Kept (unsafe to drop silently): create-key takes no tags, so tags asked for would be lost without a word.
    needs(!request.tags || Object.keys(request.tags).length === 0, 'tags are not supported for huaweicloud keys yet');
    const keyAlias = keyAliasFor(request.alias);
    const token = request.creationToken;
    const description = token !== undefined ? creationDescription(token) : request.description;
    let reply: { key_info?: { key_id?: string } };
    try {
      reply = await this.client.call('create-key', {
        key_alias: keyAlias,
        key_spec: request.keySpec,
        key_usage: request.keyUsage ?? 'ENCRYPT_DECRYPT',
        origin: 'external',
        ...(description !== undefined ? { key_description: description } : {}),
      });
    } catch (error) {
      // No answer, or a 5xx (the client never sends create-key twice): the key may exist. Found by its token in a fresh
      // listing, it is the key; else the step fails, and the next `up` looks again before it creates.
      if (token === undefined || !mayHaveCreated(error)) throw error;
      let lookFailure: unknown;
      const made = await this.findCreated(token, true).catch((failure: unknown) => void (lookFailure = failure));
      if (!made) throw unconfirmedCreate(error, lookFailure);
      return made;
    }
    const keyId = reply.key_info?.key_id;
    if (typeof keyId !== 'string') throw new ImportedKeyError('CloudError', 'huaweicloud create-key returned no key_info.key_id');
    // A listing this process already holds learns of the key, so a create with this token again here finds it.
    if (token !== undefined) creations.update(this.place, (tokens) => tokens.set(token, { keyId, alias: keyAlias }));
    return { keyId, arn: keyId, keyState: 'PendingImport', origin: 'EXTERNAL', keySpec: request.keySpec, keyUsage: request.keyUsage ?? 'ENCRYPT_DECRYPT' };
  }

  /**
   * The key an earlier create made with this token, found by the token in its description in list-keys' key_details:
   * every page, listed once per endpoint, project and provider process per minute, shared by all creates of one
   * `pulumi up`. `fresh`: a create whose own create-key reply was lost a moment ago is not in an older listing. The key
   * found is described again (its state now), and keeps the alias it was created with (a derived one is random).
   */
  async findCreated(creationToken: string, fresh = false): Promise<KeyDescription | undefined> {
    const found = (await creations.get(this.place, () => this.readCreations(), fresh)).get(creationToken);
    const live = found ? await this.describeKey(found.keyId) : undefined;
    return live && live.keyState !== 'PendingDeletion' ? { ...live, ...(found!.alias ? { alias: found!.alias } : {}) } : undefined;
  }

  /** The create is done: the description asked for (none: empty) replaces the token; a failure is the caller's to record. */
  async creationDone(creationToken: string, key: { keyId: string; description?: string }): Promise<void> {
    checkKeyId(key.keyId);
    await this.client.call('update-key-description', { key_id: key.keyId, key_description: key.description ?? '' });
    creations.update(this.place, (tokens) => tokens.delete(creationToken));
  }

  private get place(): string {
    return `${this.client.endpoint}|${this.client.projectId}`;
  }

  /** creation token → key, from every page of list-keys' key_details; keys pending deletion are not ours to finish. */
  private async readCreations(): Promise<Map<string, CreatedKey>> {
    const tokens = new Map<string, CreatedKey>();
    const prefix = creationDescription('');
    let marker = '';
    do {
      const page = await this.client.call<{ key_details?: Array<HuaweicloudKeyInfo & { key_description?: string }>; next_marker?: string; truncated?: string | boolean }>(
        'list-keys',
        marker ? { marker } : {},
      );
      for (const detail of page.key_details ?? []) {
        const description = detail.key_description ?? '';
        if (description.startsWith(prefix) && detail.key_state !== '4') tokens.set(description.slice(prefix.length), { keyId: detail.key_id, alias: detail.key_alias });
      }
      marker = String(page.truncated) === 'true' && page.next_marker ? page.next_marker : '';
    } while (marker);
    return tokens;
  }

  async describeKey(keyId: string): Promise<KeyDescription | undefined> {
    checkKeyId(keyId);
    try {
      const reply = await this.client.call<{ key_info?: HuaweicloudKeyInfo }>('describe-key', { key_id: keyId });
      if (!reply.key_info) throw new ImportedKeyError('CloudError', 'huaweicloud describe-key returned no key_info');
      return toKeyDescription(reply.key_info);
    } catch (error) {
      if (error instanceof ImportedKeyError && error.code === 'KeyNotFound') return undefined;
      throw error;
    }
  }

  async getImportParameters(keyId: string, algorithm: WrappingAlgorithm, wrappingKeySpec: string): Promise<ImportParameters> {
    checkKeyId(keyId);
    const wireAlgorithm = WIRE_ALGORITHM[algorithm];
    if (!wireAlgorithm) {
      throw new ImportedKeyError(
        'UnsupportedAlgorithm',
        `wrappingAlgorithm ${algorithm} is not offered by huaweicloud; use one of ${Object.keys(WIRE_ALGORITHM).join(', ')}`,
      );
    }
    // Kept (unsafe to ignore): Huawei's API takes no wrapping key spec, so one it would not honour is refused rather
    // than the material wrapped silently under another (e.g. a weaker) key than asked for.
    const specs = huaweicloudProfile.wrappingKeySpecs(algorithm);
    needs(specs.includes(wrappingKeySpec), `wrappingKeySpec must be ${specs.join(' or ')} with ${algorithm} on huaweicloud`);
    const reply = await this.client.call<{ key_id?: string; public_key?: string; import_token?: string; expiration_time?: number | string }>(
      'get-parameters-for-import',
      { key_id: keyId, wrapping_algorithm: wireAlgorithm },
    );
    const expiresSeconds = Number(reply.expiration_time);
    if (typeof reply.public_key !== 'string' || typeof reply.import_token !== 'string' || !Number.isFinite(expiresSeconds)) {
      throw new ImportedKeyError('CloudError', 'huaweicloud get-parameters-for-import returned an incomplete reply');
    }
    return {
      keyId,
      publicKey: Buffer.from(reply.public_key, 'base64'),
      importToken: Buffer.from(reply.import_token, 'base64'),
      parametersValidTo: new Date(expiresSeconds * 1000).toISOString(),
    };
  }

  async importMaterial(request: ImportMaterialRequest): Promise<{ keyMaterialId?: string }> {
    checkKeyId(request.keyId);
    let expirationSeconds: number | undefined;
    // Kept (unsafe to send): an expiry that is no date would go out as null, which Huawei may take as "never expires".
    if (request.expiresAt !== undefined) {
      const ms = Date.parse(request.expiresAt);
      needs(Number.isFinite(ms), 'expiresAt must be an ISO 8601 time such as 2027-01-31T00:00:00Z');
      expirationSeconds = Math.floor(ms / 1000);
    }
    await this.client.call('import-key-material', {
      key_id: request.keyId,
      import_token: request.importToken.toString('base64'),
      encrypted_key_material: request.encryptedKeyMaterial.toString('base64'),
      // Huawei's SDKs send a number of seconds; absent means the material never expires.
      ...(expirationSeconds !== undefined ? { expiration_time: expirationSeconds } : {}),
    });
    return {};
  }

  async deleteMaterial(keyId: string): Promise<void> {
    checkKeyId(keyId);
    try {
      await this.client.call('delete-imported-key-material', { key_id: keyId });
    } catch (error) {
      // KMS.2701 on a key already pending import (material expired or deleted meanwhile): the material is gone, as asked.
      if (error instanceof ImportedKeyError && error.cloudCode === 'KMS.2701' && (await this.describeKey(keyId))?.keyState === 'PendingImport') return;
      throw error;
    }
  }

  async scheduleDeletion(keyId: string, pendingWindowInDays: number): Promise<void> {
    checkKeyId(keyId);
    requireDeletionWindow(huaweicloudProfile, pendingWindowInDays);
    try {
      await this.client.call('schedule-key-deletion', { key_id: keyId, pending_days: String(pendingWindowInDays) });
    } catch (error) {
      // Already gone, or already pending deletion (KMS.0210): the deletion this call asks for is under way.
      if (error instanceof ImportedKeyError && (error.code === 'KeyNotFound' || error.cloudCode === 'KMS.0210')) return;
      throw error;
    }
  }

  cloudTime(): Date | undefined {
    return this.client.cloudTime();
  }

  /** Nothing to release: the client holds only its settings and clock (its sockets are node:http's shared agent's). */
  destroy(): void {}

  async enableKey(keyId: string): Promise<void> {
    checkKeyId(keyId);
    await this.client.call('enable-key', { key_id: keyId });
  }

  async disableKey(keyId: string): Promise<void> {
    checkKeyId(keyId);
    await this.client.call('disable-key', { key_id: keyId });
  }
}

/**
 * `check` judges a user's keyId (the profile's keyIdPattern); every call checks it again because
 * tests/provider/clouds/huaweicloud/adapter.test.ts pins the refusal before any request ("refuses bad arguments before
 * any request"), and key ids also come from the recorded state.
 */
function checkKeyId(keyId: string): void {
  needs(KEY_ID_PATTERN.test(keyId), 'keyId must be a Huawei key id such as 0d0466b0-e727-4d9c-b35d-f84bb474a37f');
}
