// KmsAdapter for Alibaba Cloud KMS (API 2016-01-20) on the unmodified @alicloud/kms20160120 client.
// Import tokens are strings on Alibaba's wire; this adapter carries them as their UTF-8 bytes. Settings (endpoint, region,
// credentials): settings.ts; what is retried: retries.ts; DescribeKey's mapping: describe.ts; errors: errors.ts.

import type { WrappingAlgorithm } from '../../../core/wrapping';
import type {
  AdapterConfig, CreateKeyRequest, ImportMaterialRequest, ImportParameters, KeyDescription, KeyFinish, KmsAdapter,
} from '../adapter';
import { ImportedKeyError, needs } from '../../../core/errors';
import { ReplyClock } from './clock';
import { alicloudProfile, protectionLevelFor, protectionLevelsFor } from './profile';
import { createAlicloudClient, type AlicloudKmsClient } from './client';
import { isoOrUndefined, toKeyDescription } from './describe';
import { toImportedKeyError } from './errors';
import { mayHaveCreated, retryVerdict } from './retries';
import { resolveClientSettings } from './settings';
import { creationDescription, unconfirmedCreate } from '../../creation-token';
import { pacingOf } from '../pacer';
import { DEFAULT_RETRY_POLICY, withRetries, type RetryPolicy } from '../retry';

export interface AlicloudAdapterOptions {
  /** Another client of the same shape; default: the SDK client built from `config` and the environment. */
  client?: AlicloudKmsClient;
  /**
   * With `client`: the reply clock whose token that client's User-Agent carries (shared with the client, so destroy()
   * leaves it running). Without it, a given client's replies tell this adapter no time.
   */
  clock?: ReplyClock;
  /** Default DEFAULT_RETRY_POLICY (throttling on its own, longer budget); a policy without `throttling` applies to throttling too. */
  retryPolicy?: RetryPolicy;
  /** With `client`: the region its settings resolved (from `config` or the environment), where its calls are paced. */
  regionId?: string;
}

/** Marker aliases of creates in progress: alias/imported-key/creating/<creation token> (see findCreated). */
const markerAlias = (token: string) => `alias/imported-key/creating/${token}`;

// SDK request models map camelCase fields to Alibaba's parameter names; plain objects would not.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const models = (): Record<string, new (map: object) => object> => require('@alicloud/kms20160120');

export class AlicloudKmsAdapter implements KmsAdapter {
  readonly cloud = 'alicloud';
  // Alibaba accepts the same material again over live material, with a new expiry.
  readonly reimportMode = 'in-place' as const;
  // CreateKey takes no tags: the creation token is the key's description until creationDone.
  readonly creationInDescription = true;
  private readonly client: AlicloudKmsClient;
  private readonly retryPolicy: RetryPolicy;
  private readonly clock: ReplyClock;
  /** Where Alibaba counts this adapter's requests against its quotas: the region (else the endpoint). */
  private readonly place: string;
  private readonly ownsClock: boolean;

  constructor(config: AdapterConfig, options: AlicloudAdapterOptions = {}) {
    this.retryPolicy = options.retryPolicy ?? DEFAULT_RETRY_POLICY;
    // The clock subscribes to every HTTP reply of the process until destroy(); the provider only destroys adapters
    // it got, so a constructor that throws (bad endpoint or region, no credentials) must not leave a clock behind.
    const settings = options.client ? undefined : resolveClientSettings(config);
    this.place = settings?.regionId ?? options.regionId ?? config.region ?? config.endpoint ?? '';
    this.ownsClock = options.clock === undefined;
    const clock = options.clock ?? new ReplyClock();
    try {
      this.client = options.client ?? createAlicloudClient(settings!, clock.userAgent);
    } catch (error) {
      clock.stop();
      throw error;
    }
    this.clock = clock;
  }

  /** Alibaba's time now, from the Date header of its latest reply to this adapter; undefined before any reply. */
  cloudTime(): Date | undefined {
    return this.clock.now();
  }

  /** Stops reading reply dates (the provider calls this after each step). */
  destroy(): void {
    if (this.ownsClock) this.clock.stop();
  }

  private async call<T>(operation: string, keyId: string | undefined, send: (models: Record<string, new (map: object) => object>) => Promise<T>): Promise<T> {
    try {
      // Every attempt waits for its turn under the quota that counts `operation` (../pacer.ts).
      return await withRetries(() => send(models()), (error) => retryVerdict(operation, error), this.retryPolicy, undefined, pacingOf('alicloud', this.place, operation));
    } catch (error) {
      throw toImportedKeyError(operation, keyId, error);
    }
  }

  async createKey(request: CreateKeyRequest): Promise<KeyDescription> {
    // User input is `check`'s (keySpec, alias, protectionLevel: provider/check.ts with the profile). No alias check here:
    // CreateKey does not send the alias (finishKey does, and Alibaba refuses a bad one). No keySpec check of its own
    // either: the profile's lookup below refuses a key spec it has no levels for (protectionLevelsFor, same message).
    // Kept: the protection level, refused before CreateKey, which tests/provider/clouds/alicloud/adapter.test.ts pins
    // ("refuses an Aliyun_SM4 key with protectionLevel SOFTWARE before calling Alibaba"); `check` refuses it too.
    const levels = protectionLevelsFor(request.keySpec);
    needs(request.protectionLevel === undefined || levels.includes(request.protectionLevel),
      `protectionLevel for ${request.keySpec} keys must be ${levels.join(' or ')}, got "${request.protectionLevel}"`);
    const token = request.creationToken;
    const description = token !== undefined ? creationDescription(token) : request.description;
    let created: { keyMetadata?: Record<string, unknown> };
    try {
      created = await this.call('CreateKey', undefined, (m) => this.client.createKey(new m.CreateKeyRequest({
        origin: 'EXTERNAL',
        keySpec: request.keySpec,
        keyUsage: request.keyUsage ?? 'ENCRYPT/DECRYPT',
        protectionLevel: protectionLevelFor(request.keySpec, request.protectionLevel),
        ...(description !== undefined ? { description } : {}),
      })));
    } catch (error) {
      // No answer, or a 500 (CreateKey is never sent twice): the key may exist. Found by its token, it is the key; else
      // the step fails, and the next `up` looks again before it creates.
      if (token === undefined || !mayHaveCreated(error)) throw error;
      let lookFailure: unknown;
      const made = await this.scanForCreated(token).catch((failure: unknown) => void (lookFailure = failure));
      if (!made) throw unconfirmedCreate(error, lookFailure);
      await this.markCreation(token, made.keyId);
      return made;
    }
    const key = toKeyDescription(created.keyMetadata ?? {});
    needs(key.keyId !== '', 'Alibaba Cloud KMS CreateKey returned no KeyId', 'CloudError');
    if (token !== undefined) await this.markCreation(token, key.keyId);
    return key;
  }

  /**
   * The marker alias makes the key findable by its token in one DescribeKey. Without it (this call failing) the key
   * still carries the token in its description: a create whose host dies now is only harder to find (scanForCreated).
   */
  private async markCreation(token: string, keyId: string): Promise<void> {
    await this.call('CreateAlias', keyId, (m) => this.client.createAlias(new m.CreateAliasRequest({ keyId, aliasName: markerAlias(token) }))).catch(() => undefined);
  }

  /** The key an earlier create made with this token: one DescribeKey of its marker alias (Alibaba takes an alias as KeyId). */
  async findCreated(creationToken: string): Promise<KeyDescription | undefined> {
    const live = await this.describeKey(markerAlias(creationToken));
    return live && live.keyState !== 'PendingDeletion' ? live : undefined;
  }

  /**
   * After a CreateKey without an answer there is no marker alias yet: every key's description is read for the token
   * (ListKeys pages and a DescribeKey per key). A rare path, taken only when that reply was lost.
   */
  private async scanForCreated(token: string): Promise<KeyDescription | undefined> {
    const wanted = creationDescription(token);
    for (let pageNumber = 1; ; pageNumber += 1) {
      const page = await this.call('ListKeys', undefined, (m) => this.client.listKeys(new m.ListKeysRequest({ pageNumber, pageSize: 100 })));
      const keys = page.keys?.key ?? [];
      for (const { keyId } of keys) {
        if (!keyId) continue;
        const reply = await this.call('DescribeKey', keyId, (m) => this.client.describeKey(new m.DescribeKeyRequest({ keyId })));
        const metadata = reply.keyMetadata ?? {};
        const live = toKeyDescription(metadata);
        if ((metadata.Description ?? metadata.description) === wanted && live.keyState !== 'PendingDeletion') return live;
      }
      if (keys.length < 100 || pageNumber * 100 >= (page.totalCount ?? 0)) return undefined;
    }
  }

  /**
   * The create is done: the description asked for replaces the token (its failure is the caller's to record as
   * pending), then the marker alias goes (one left behind only costs an alias: it names this finished key).
   */
  async creationDone(creationToken: string, key: { keyId: string; description?: string }): Promise<void> {
    const { keyId } = key;
    const description = key.description ?? '';
    await this.call('UpdateKeyDescription', keyId, (m) => this.client.updateKeyDescription(new m.UpdateKeyDescriptionRequest({ keyId, description })));
    await this.call('DeleteAlias', keyId, (m) => this.client.deleteAlias(new m.DeleteAliasRequest({ aliasName: markerAlias(creationToken) }))).catch(() => undefined);
  }

  /** Alias and tags are their own calls after CreateKey; both may be repeated (an alias already on this key is done). */
  async finishKey(keyId: string, finish: KeyFinish): Promise<void> {
    if (finish.alias !== undefined) await this.pointAlias(finish.alias, keyId);
    if (finish.tags && Object.keys(finish.tags).length > 0) {
      const tags = JSON.stringify(Object.entries(finish.tags).map(([TagKey, TagValue]) => ({ TagKey, TagValue })));
      await this.call('TagResource', keyId, (m) => this.client.tagResource(new m.TagResourceRequest({ keyId, tags })));
    }
  }

  /**
   * Creates the alias, or moves it here when another key has it: a replacement (create before delete) keeps its alias,
   * and the old key's deletion, scheduled after, leaves it alone (an alias goes with the key it points at).
   */
  private async pointAlias(aliasName: string, keyId: string): Promise<void> {
    try {
      await this.call('CreateAlias', keyId, (m) => this.client.createAlias(new m.CreateAliasRequest({ keyId, aliasName })));
    } catch (error) {
      if (!(error as ImportedKeyError).cloudCode?.includes('AlreadyExists')) throw error;
      // Taken by this key already (an earlier run's step whose reply was lost) is done.
      const owner = await this.describeKey(aliasName).catch(() => undefined);
      if (owner?.keyId === keyId) return;
      await this.call('UpdateAlias', keyId, (m) => this.client.updateAlias(new m.UpdateAliasRequest({ keyId, aliasName })));
    }
  }

  async describeKey(keyId: string): Promise<KeyDescription | undefined> {
    try {
      const reply = await this.call('DescribeKey', keyId, (m) => this.client.describeKey(new m.DescribeKeyRequest({ keyId })));
      return toKeyDescription(reply.keyMetadata ?? {});
    } catch (error) {
      if (error instanceof ImportedKeyError && error.code === 'KeyNotFound') return undefined;
      throw error;
    }
  }

  async getImportParameters(keyId: string, algorithm: WrappingAlgorithm, wrappingKeySpec: string): Promise<ImportParameters> {
    const reply = await this.call('GetParametersForImport', keyId, (m) => this.client.getParametersForImport(
      new m.GetParametersForImportRequest({ keyId, wrappingAlgorithm: algorithm, wrappingKeySpec })));
    needs(reply.publicKey && reply.importToken, `Alibaba Cloud KMS GetParametersForImport on key ${keyId} returned no PublicKey or ImportToken`, 'CloudError');
    const validTo = isoOrUndefined(reply.tokenExpireTime);
    needs(validTo, `Alibaba Cloud KMS GetParametersForImport on key ${keyId} returned no valid TokenExpireTime`, 'CloudError');
    return {
      keyId: reply.keyId || keyId,
      publicKey: Buffer.from(reply.publicKey, 'base64'),
      importToken: Buffer.from(reply.importToken, 'utf8'),
      parametersValidTo: validTo,
    };
  }

  async importMaterial(request: ImportMaterialRequest): Promise<{ keyMaterialId?: string }> {
    let keyMaterialExpireUnix = 0; // 0 = never expires
    // Kept (unsafe to send): an expiry that is no date, or one before 1970, would go out as NaN or 0 — and 0 means
    // "never expires", the opposite of what was asked.
    if (request.expiresAt !== undefined) {
      const ms = Date.parse(request.expiresAt);
      needs(!Number.isNaN(ms), `expiresAt "${request.expiresAt}" is not an ISO 8601 date-time`);
      keyMaterialExpireUnix = Math.floor(ms / 1000);
      needs(keyMaterialExpireUnix > 0, `expiresAt "${request.expiresAt}" is before 1970`);
    }
    await this.call('ImportKeyMaterial', request.keyId, (m) => this.client.importKeyMaterial(new m.ImportKeyMaterialRequest({
      keyId: request.keyId,
      importToken: request.importToken.toString('utf8'),
      encryptedKeyMaterial: request.encryptedKeyMaterial.toString('base64'),
      keyMaterialExpireUnix,
    })));
    return {}; // Alibaba has no key material id
  }

  async deleteMaterial(keyId: string): Promise<void> {
    try {
      await this.call('DeleteKeyMaterial', keyId, (m) => this.client.deleteKeyMaterial(new m.DeleteKeyMaterialRequest({ keyId })));
    } catch (error) {
      // Refused for the key's state while it is pending import (a retry after a lost reply, or expired meanwhile): the
      // material is gone, as asked.
      if (error instanceof ImportedKeyError && error.code === 'InvalidKeyState' && (await this.describeKey(keyId))?.keyState === 'PendingImport') return;
      throw error;
    }
  }

  async scheduleDeletion(keyId: string, pendingWindowInDays: number): Promise<void> {
    // `check` refuses such a window (deletionWindowInDays); kept because tests/provider/clouds/alicloud/adapter.test.ts
    // pins the adapter's own refusal ("refuses a deletion window outside 7–366 before calling Alibaba").
    const { min, max } = alicloudProfile.deletionWindowDays;
    needs(Number.isInteger(pendingWindowInDays) && pendingWindowInDays >= min && pendingWindowInDays <= max,
      `pendingWindowInDays must be a whole number of days from ${min} to ${max} for Alibaba Cloud KMS, got ${pendingWindowInDays}`);
    try {
      await this.call('ScheduleKeyDeletion', keyId, (m) => this.client.scheduleKeyDeletion(new m.ScheduleKeyDeletionRequest({ keyId, pendingWindowInDays })));
    } catch (error) {
      // Already gone, or already pending deletion: the delete is done.
      if (error instanceof ImportedKeyError && (error.code === 'KeyNotFound' || error.cloudCode === 'Rejected.PendingDeletion')) return;
      throw error;
    }
  }

  async enableKey(keyId: string): Promise<void> {
    await this.call('EnableKey', keyId, (m) => this.client.enableKey(new m.EnableKeyRequest({ keyId })));
  }

  async disableKey(keyId: string): Promise<void> {
    await this.call('DisableKey', keyId, (m) => this.client.disableKey(new m.DisableKeyRequest({ keyId })));
  }
}
