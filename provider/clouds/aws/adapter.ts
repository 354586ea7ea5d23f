// KmsAdapter on the unmodified @aws-sdk/client-kms: AWS shapes ↔ our shapes, AWS errors ↔ ImportedKeyError (errors.ts).
// Checks nothing a user gives: `check` does, with the profile; AWS refuses anything else itself.

import {
  CreateAliasCommand,
  CreateKeyCommand,
  DeleteAliasCommand,
  DeleteImportedKeyMaterialCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EnableKeyCommand,
  GetParametersForImportCommand,
  ImportKeyMaterialCommand,
  ListAliasesCommand,
  ListKeysCommand,
  ListResourceTagsCommand,
  ScheduleKeyDeletionCommand,
  UpdateAliasCommand,
  type KeyMetadata,
  type KeySpec,
  type KeyUsageType,
  type AlgorithmSpec,
  type WrappingKeySpec,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { CREATION_TAG } from '../../creation-token';
import { ImportedKeyError } from '../../../core/errors';
import type { WrappingAlgorithm } from '../../../core/wrapping';
import type {
  AdapterConfig,
  CreateKeyRequest,
  ImportMaterialRequest,
  ImportParameters,
  KeyDescription,
  KeyFinish,
  KeyMaterialEntry,
  KmsAdapter,
} from '../adapter';
import { awsMaterialFields, listAwsMaterials, rotateAwsMaterial } from './adapter-materials';
import { CreationListings } from '../creation-listings';
import { createKmsClient } from './client';
import { awsCloudTime } from './clock';
import { describeAwsKey } from './describe';
import { awsErrorName, mapAwsError } from './errors';
import { awsKeyUsages } from './profile';
import { CREATE_KEY_TRANSIENT_ATTEMPTS, mayHaveCreated } from './retries';

/** "alias/<name>", as CreateAlias wants it, whether or not the user wrote the prefix. */
export function awsAliasName(alias: string): string {
  return alias.startsWith('alias/') ? alias : `alias/${alias}`;
}

/** Marker aliases of creates in progress: alias/imported-key/creating/<creation token>. */
const MARKER_PREFIX = 'alias/imported-key/creating/';
const markerAlias = (token: string) => `${MARKER_PREFIX}${token}`;
/** Per region and endpoint, for this process, for a minute: creation token → key id (see findCreated). */
const markerIndexes = new CreationListings<string>();

/** Every page of a KMS listing (Marker / Truncated / NextMarker), failures mapped with `what` it was for. */
async function* pages<T extends { Truncated?: boolean; NextMarker?: string }>(list: (marker?: string) => Promise<T>, what: string): AsyncGenerator<T> {
  let marker: string | undefined;
  do {
    const page = await list(marker).catch((e) => {
      throw mapAwsError(e, what);
    });
    yield page;
    marker = page.Truncated ? page.NextMarker : undefined;
  } while (marker);
}

/** Forgets the listed markers (tests that count calls per create start from a known point). */
export function forgetCreationMarkers(): void {
  markerIndexes.clear();
}

export class AwsKmsAdapter implements KmsAdapter {
  readonly cloud = 'aws';
  // AWS accepts the same material over live material with a new ValidTo (the Terraform provider relies on it).
  readonly reimportMode = 'in-place' as const;
  private readonly client: KMSClient;
  /**
   * CreateKey's own client: it retries throttling (a throttled call did nothing) but never a transient fault, after
   * which the key may exist: the adapter looks for it by its creation token instead of making a second one.
   */
  private readonly createClient: KMSClient;

  private readonly endpoint?: string;
  /** Whether destroy() closes the clients: only those this adapter built (given ones are shared or the caller's). */
  private readonly ownsClients: boolean;

  /** `client` serves every call (and CreateKey too unless `createClient` is given); given clients are never closed here. */
  constructor(config: AdapterConfig, client?: KMSClient, createClient?: KMSClient) {
    this.endpoint = config.endpoint;
    this.ownsClients = client === undefined;
    this.client = client ?? createKmsClient(config);
    this.createClient = createClient ?? client ?? createKmsClient(config, { transientAttempts: CREATE_KEY_TRANSIENT_ATTEMPTS });
  }

  async createKey(request: CreateKeyRequest): Promise<KeyDescription> {
    const tags = Object.entries(request.tags ?? {}).map(([TagKey, TagValue]) => ({ TagKey, TagValue }));
    if (request.creationToken) tags.push({ TagKey: CREATION_TAG, TagValue: request.creationToken });
    let metadata: KeyMetadata;
    try {
      const reply = await this.createClient.send(
        new CreateKeyCommand({
          Origin: 'EXTERNAL',
          KeySpec: request.keySpec as KeySpec,
          KeyUsage: (request.keyUsage ?? awsKeyUsages(request.keySpec)[0]) as KeyUsageType,
          Description: request.description,
          Tags: tags.length > 0 ? tags : undefined,
        }),
      );
      metadata = reply.KeyMetadata!;
      // The marker makes the key findable by its token in one listing; without it (this call failing) the key is
      // still tagged, so a create whose host dies now is only harder to find, not lost.
      if (request.creationToken) {
        await this.client.send(new CreateAliasCommand({ AliasName: markerAlias(request.creationToken), TargetKeyId: metadata.KeyId! })).catch(() => undefined);
      }
    } catch (error) {
      // No answer from KMS (a lost reply, a 5xx): the key may exist. Found by its token, it is the key; else nothing
      // was made and the step fails (the next `up` creates, having looked again).
      const made = mayHaveCreated(error) && request.creationToken ? await this.findCreated(request.creationToken, true).catch(() => undefined) : undefined;
      if (made) return made;
      throw mapAwsError(error, 'creating key');
    }
    return describeAwsKey(metadata);
  }

  /**
   * The key an earlier create made with this token, found by its marker alias (alias/imported-key/creating/<token>,
   * made right after CreateKey, removed once the create is done). The aliases are listed once per region and
   * provider process per minute, shared by all creates of one `pulumi up`. `fresh`: a create whose own CreateKey
   * reply was lost a moment ago has no marker yet, so the keys' creation tags are read instead (every key: rare).
   */
  async findCreated(creationToken: string, fresh = false): Promise<KeyDescription | undefined> {
    const keyId = fresh ? (await this.readCreationTags()).get(creationToken) : (await this.markers()).get(creationToken);
    const live = keyId ? await this.describeKey(keyId) : undefined;
    return live && live.keyState !== 'PendingDeletion' ? live : undefined;
  }

  /** The create is done: its marker alias goes (a marker left behind only costs an alias, never a wrong key). */
  async creationDone(creationToken: string): Promise<void> {
    await this.client.send(new DeleteAliasCommand({ AliasName: markerAlias(creationToken) })).catch(() => undefined);
  }

  /** creation token → key id, from the marker aliases (cached, see findCreated). */
  private async markers(): Promise<Map<string, string>> {
    const place = `${await this.client.config.region()}|${this.endpoint ?? ''}`;
    return markerIndexes.get(place, () => this.readMarkers());
  }

  private async readMarkers(): Promise<Map<string, string>> {
    const tokens = new Map<string, string>();
    const what = 'listing aliases (to find a key an interrupted create made)';
    for await (const page of pages((Marker) => this.client.send(new ListAliasesCommand({ Limit: 100, Marker })), what)) {
      for (const alias of page.Aliases ?? []) {
        if (alias.AliasName?.startsWith(MARKER_PREFIX) && alias.TargetKeyId) tokens.set(alias.AliasName.slice(MARKER_PREFIX.length), alias.TargetKeyId);
      }
    }
    return tokens;
  }

  /** creation token → key id from every key's tags: a scan of the region. */
  private async readCreationTags(): Promise<Map<string, string>> {
    const tokens = new Map<string, string>();
    const what = 'listing keys (to find the key a lost CreateKey reply made)';
    for await (const page of pages((Marker) => this.client.send(new ListKeysCommand({ Limit: 1000, Marker })), what)) {
      for (const entry of page.Keys ?? []) {
        const reply = await this.client.send(new ListResourceTagsCommand({ KeyId: entry.KeyId! })).catch(() => undefined);
        const token = reply?.Tags?.find((t) => t.TagKey === CREATION_TAG)?.TagValue;
        if (token) tokens.set(token, entry.KeyId!);
      }
    }
    return tokens;
  }

  /** Tags go with CreateKey; the alias is its own call. */
  async finishKey(keyId: string, finish: KeyFinish): Promise<void> {
    if (finish.alias) await this.pointAlias(awsAliasName(finish.alias), keyId);
  }

  /** Creates the alias, or moves it here when it exists: a replacement (create before delete) keeps its alias. */
  private async pointAlias(aliasName: string, keyId: string): Promise<void> {
    try {
      await this.client.send(new CreateAliasCommand({ AliasName: aliasName, TargetKeyId: keyId }));
    } catch (error) {
      try {
        if (awsErrorName(error) !== 'AlreadyExistsException') throw error;
        await this.client.send(new UpdateAliasCommand({ AliasName: aliasName, TargetKeyId: keyId }));
      } catch (final) {
        throw mapAwsError(final, `pointing ${aliasName} at key`, keyId);
      }
    }
  }

  async describeKey(keyId: string): Promise<KeyDescription | undefined> {
    try {
      const reply = await this.client.send(new DescribeKeyCommand({ KeyId: keyId }));
      return describeAwsKey(reply.KeyMetadata!);
    } catch (error) {
      if (awsErrorName(error) === 'NotFoundException') return undefined;
      throw mapAwsError(error, 'describing key', keyId);
    }
  }

  async getImportParameters(keyId: string, algorithm: WrappingAlgorithm, wrappingKeySpec: string): Promise<ImportParameters> {
    try {
      const reply = await this.client.send(
        new GetParametersForImportCommand({
          KeyId: keyId,
          WrappingAlgorithm: algorithm as AlgorithmSpec,
          WrappingKeySpec: wrappingKeySpec as WrappingKeySpec,
        }),
      );
      if (!reply.PublicKey || !reply.ImportToken) {
        throw new ImportedKeyError('CloudError', `getting import parameters for ${keyId}: the reply has no public key or token`);
      }
      return {
        keyId: reply.KeyId ?? keyId,
        publicKey: Buffer.from(reply.PublicKey),
        importToken: Buffer.from(reply.ImportToken),
        parametersValidTo: (reply.ParametersValidTo ?? new Date()).toISOString(),
      };
    } catch (error) {
      throw mapAwsError(error, 'getting import parameters for', keyId);
    }
  }

  async importMaterial(request: ImportMaterialRequest): Promise<{ keyMaterialId?: string }> {
    try {
      const reply = await this.client.send(
        new ImportKeyMaterialCommand({
          KeyId: request.keyId,
          ImportToken: request.importToken,
          EncryptedKeyMaterial: request.encryptedKeyMaterial,
          ...awsMaterialFields(request),
          ...(request.expiresAt
            ? { ExpirationModel: 'KEY_MATERIAL_EXPIRES', ValidTo: new Date(request.expiresAt) }
            : { ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' }),
        }),
      );
      return { keyMaterialId: reply.KeyMaterialId };
    } catch (error) {
      throw mapAwsError(error, 'importing key material into', request.keyId);
    }
  }

  async deleteMaterial(keyId: string, keyMaterialId?: string): Promise<void> {
    try {
      await this.client.send(new DeleteImportedKeyMaterialCommand({ KeyId: keyId, ...(keyMaterialId ? { KeyMaterialId: keyMaterialId } : {}) }));
    } catch (error) {
      throw mapAwsError(error, keyMaterialId ? `deleting key material ${keyMaterialId} of` : 'deleting imported key material of', keyId);
    }
  }

  listMaterials(keyId: string): Promise<KeyMaterialEntry[]> {
    return listAwsMaterials(this.client, keyId);
  }

  rotateMaterial(keyId: string): Promise<void> {
    return rotateAwsMaterial(this.client, keyId);
  }

  async scheduleDeletion(keyId: string, pendingWindowInDays: number): Promise<void> {
    try {
      await this.client.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: pendingWindowInDays }));
    } catch (error) {
      const name = awsErrorName(error);
      if (name === 'NotFoundException') return;
      // AWS answers KMSInvalidStateException for a key already pending deletion: that is done too.
      if (name === 'KMSInvalidStateException') {
        const live = await this.describeKey(keyId);
        if (!live || live.keyState === 'PendingDeletion') return;
      }
      throw mapAwsError(error, 'scheduling deletion of key', keyId);
    }
  }

  async enableKey(keyId: string): Promise<void> {
    try {
      await this.client.send(new EnableKeyCommand({ KeyId: keyId }));
    } catch (error) {
      throw mapAwsError(error, 'enabling key', keyId);
    }
  }

  async disableKey(keyId: string): Promise<void> {
    try {
      await this.client.send(new DisableKeyCommand({ KeyId: keyId }));
    } catch (error) {
      throw mapAwsError(error, 'disabling key', keyId);
    }
  }

  /** The SDK keeps AWS's clock as an offset learnt from every reply's Date header (it signs with it): the cloud's time. */
  cloudTime(): Date {
    return awsCloudTime(this.client);
  }

  /** Closes the clients' sockets if this adapter built them (tests); shared clients stay open for the next step. */
  destroy(): void {
    if (!this.ownsClients) return;
    this.client.destroy();
    this.createClient.destroy();
  }
}
