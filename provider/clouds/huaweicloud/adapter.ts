// Huawei Cloud KMS behind the cloud-neutral KmsAdapter: translates our shapes to the v1.0 REST API and back.
import { randomBytes } from 'node:crypto';
import { ImportedKeyError, needs } from '../../errors';
import type { WrappingAlgorithm } from '../../wrapping';
import type {
  AdapterConfig,
  CreateKeyRequest,
  ImportMaterialRequest,
  ImportParameters,
  KeyDescription,
  KmsAdapter,
  ReimportMode,
} from '../adapter';
import { HuaweiKmsClient, type ClientOptions } from './client';
import { toKeyDescription, type HuaweiKeyInfo } from './describe';
import { huaweicloudProfile, KEY_ALIAS_PATTERN, KEY_ID_PATTERN } from './profile';
import { resolveSettings } from './settings';

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

export class HuaweiKmsAdapter implements KmsAdapter {
  readonly cloud = 'huaweicloud';
  /** Huawei refuses an import into a key that is not pending import (KMS.0310): reimport deletes material first. */
  readonly reimportMode: ReimportMode = 'delete-first';

  constructor(private readonly client: HuaweiKmsClient) {}

  static fromConfig(config: AdapterConfig, options?: ClientOptions): HuaweiKmsAdapter {
    return new HuaweiKmsAdapter(new HuaweiKmsClient(resolveSettings(config), options));
  }

  async createKey(request: CreateKeyRequest): Promise<KeyDescription> {
    needs(
      (huaweicloudProfile.keySpecs as readonly string[]).includes(request.keySpec),
      `keySpec must be one of ${huaweicloudProfile.keySpecs.join(', ')} for huaweicloud`,
    );
    needs(
      request.keyUsage === undefined || request.keyUsage === 'ENCRYPT_DECRYPT',
      'keyUsage must be ENCRYPT_DECRYPT for huaweicloud symmetric keys',
    );
    needs(!request.tags || Object.keys(request.tags).length === 0, 'tags are not supported for huaweicloud keys yet');
    needs(request.description === undefined || request.description.length <= 255, 'description must be at most 255 characters for huaweicloud');
    const keyAlias = keyAliasFor(request.alias);
    const reply = await this.client.call<{ key_info?: { key_id?: string } }>('create-key', {
      key_alias: keyAlias,
      key_spec: request.keySpec,
      key_usage: 'ENCRYPT_DECRYPT',
      origin: 'external',
      ...(request.description !== undefined ? { key_description: request.description } : {}),
    });
    const keyId = reply.key_info?.key_id;
    if (typeof keyId !== 'string') throw new ImportedKeyError('CloudError', 'huaweicloud create-key returned no key_info.key_id');
    return { keyId, arn: keyId, keyState: 'PendingImport', origin: 'EXTERNAL', keySpec: request.keySpec, keyUsage: 'ENCRYPT_DECRYPT' };
  }

  async describeKey(keyId: string): Promise<KeyDescription | undefined> {
    checkKeyId(keyId);
    try {
      const reply = await this.client.call<{ key_info?: HuaweiKeyInfo }>('describe-key', { key_id: keyId });
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
    const { min, max } = huaweicloudProfile.deletionWindowDays;
    needs(
      Number.isInteger(pendingWindowInDays) && pendingWindowInDays >= min && pendingWindowInDays <= max,
      `deletionWindowInDays must be a whole number from ${min} to ${max} for huaweicloud`,
    );
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

  async enableKey(keyId: string): Promise<void> {
    checkKeyId(keyId);
    await this.client.call('enable-key', { key_id: keyId });
  }

  async disableKey(keyId: string): Promise<void> {
    checkKeyId(keyId);
    await this.client.call('disable-key', { key_id: keyId });
  }
}

function checkKeyId(keyId: string): void {
  needs(KEY_ID_PATTERN.test(keyId), 'keyId must be a Huawei key id such as 0d0466b0-e727-4d9c-b35d-f84bb474a37f');
}
