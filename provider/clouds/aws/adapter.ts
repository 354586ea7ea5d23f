// KmsAdapter on the unmodified @aws-sdk/client-kms: AWS shapes ↔ our shapes, AWS errors ↔ ImportedKeyError.

import {
  CreateAliasCommand,
  CreateKeyCommand,
  DeleteImportedKeyMaterialCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EnableKeyCommand,
  GetParametersForImportCommand,
  ImportKeyMaterialCommand,
  ScheduleKeyDeletionCommand,
  UpdateAliasCommand,
  type KeyMetadata,
  type KeySpec,
  type KeyUsageType,
  type AlgorithmSpec,
  type WrappingKeySpec,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { ImportedKeyError } from '../../errors';
import type { WrappingAlgorithm } from '../../wrapping';
import type {
  AdapterConfig,
  CreateKeyRequest,
  ImportMaterialRequest,
  ImportParameters,
  KeyDescription,
  KeyFinish,
  KeyState,
  KmsAdapter,
} from '../adapter';
import { createKmsClient } from './client';
import { awsErrorName, mapAwsError } from './errors';
import { awsKeyUsages } from './profile';

const KEY_STATES: Readonly<Record<string, KeyState>> = {
  Creating: 'Creating',
  Enabled: 'Enabled',
  Disabled: 'Disabled',
  PendingImport: 'PendingImport',
  PendingDeletion: 'PendingDeletion',
  PendingReplicaDeletion: 'PendingDeletion',
  Unavailable: 'Unavailable',
};

export function describeAwsKey(metadata: KeyMetadata): KeyDescription {
  return {
    keyId: metadata.KeyId!,
    arn: metadata.Arn ?? metadata.KeyId!,
    keyState: KEY_STATES[metadata.KeyState ?? ''] ?? 'Unknown',
    origin: metadata.Origin ?? 'UNKNOWN',
    keySpec: metadata.KeySpec ?? 'SYMMETRIC_DEFAULT',
    keyUsage: metadata.KeyUsage ?? 'ENCRYPT_DECRYPT',
    expirationModel: metadata.ExpirationModel,
    validTo: metadata.ValidTo?.toISOString(),
    keyMaterialId: metadata.CurrentKeyMaterialId,
    deletionDate: metadata.DeletionDate?.toISOString(),
  };
}

/** "alias/<name>", as CreateAlias wants it, whether or not the user wrote the prefix. */
export function awsAliasName(alias: string): string {
  return alias.startsWith('alias/') ? alias : `alias/${alias}`;
}

export class AwsKmsAdapter implements KmsAdapter {
  readonly cloud = 'aws';
  // AWS accepts the same material over live material with a new ValidTo (the Terraform provider relies on it).
  readonly reimportMode = 'in-place' as const;
  private readonly client: KMSClient;

  constructor(config: AdapterConfig, client?: KMSClient) {
    this.client = client ?? createKmsClient(config);
  }

  async createKey(request: CreateKeyRequest): Promise<KeyDescription> {
    let metadata: KeyMetadata;
    try {
      const reply = await this.client.send(
        new CreateKeyCommand({
          Origin: 'EXTERNAL',
          KeySpec: request.keySpec as KeySpec,
          KeyUsage: (request.keyUsage ?? awsKeyUsages(request.keySpec)[0]) as KeyUsageType,
          Description: request.description,
          Tags: request.tags ? Object.entries(request.tags).map(([TagKey, TagValue]) => ({ TagKey, TagValue })) : undefined,
        }),
      );
      metadata = reply.KeyMetadata!;
    } catch (error) {
      throw mapAwsError(error, 'creating key');
    }
    return describeAwsKey(metadata);
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

  async deleteMaterial(keyId: string): Promise<void> {
    try {
      await this.client.send(new DeleteImportedKeyMaterialCommand({ KeyId: keyId }));
    } catch (error) {
      throw mapAwsError(error, 'deleting imported key material of', keyId);
    }
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
    return new Date(Date.now() + (this.client.config.systemClockOffset ?? 0));
  }

  /** Closes the client's sockets (tests, and the provider after each step). */
  destroy(): void {
    this.client.destroy();
  }
}
