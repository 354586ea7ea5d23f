// Each cloud's published per-operation request quotas, as plain data, shared by the provider (provider/clouds/pacer.ts
// paces its calls to them) and the emulator (its `published` quota preset, emulator/quota-presets.ts, enforces them).
// A quota is one rate shared by the operations it names (as the clouds count them: Alibaba's "read" group, Huawei's one
// per-user TPS); operations a cloud lists under no quota here are not limited. Operation names are the clouds' API
// names (`<cloud>:<Operation>` in the emulator's GET /_emulator/requests). The clouds count per account and region.
// Figures are requests per second; a fraction is a rate as core/quota-rate.ts defines it.

export interface QuotaGroup {
  /** The quota's name as its cloud publishes it (or ours, see `ours`). */
  name: string;
  perSecond: number;
  /** The operations that share this quota; '*' = every operation of the cloud. */
  operations: readonly string[] | '*';
  /** Where the figure comes from. */
  source: string;
  /** True where the cloud publishes nothing and the figure is our conservative choice. */
  ours?: boolean;
}

const AWS_SOURCE = 'https://docs.aws.amazon.com/kms/latest/developerguide/requests-per-second.html';
const ALIBABA_SOURCE = 'https://www.alibabacloud.com/help/en/kms/key-management-service/product-overview/performance-data';
const ALIBABA_LIMITS_SOURCE = 'https://www.alibabacloud.com/help/en/kms/support/limits';
const HUAWEI_SOURCE = 'https://support.huaweicloud.com/intl/api-dew/dew_02_0052.html';

/** AWS: one quota per operation ("Each request quota is calculated independently"), per account and Region. */
const AWS: readonly QuotaGroup[] = [
  // "GetParametersForImport request rate: 0.25 (1 in each 4-second interval)". A later revision of the same page lists
  // 1 per second (and ImportKeyMaterial 15); the issue and the rate the provider must survive are the stricter 0.25.
  { name: 'GetParametersForImport request rate', perSecond: 0.25, operations: ['GetParametersForImport'], source: AWS_SOURCE },
  { name: 'ImportKeyMaterial request rate', perSecond: 5, operations: ['ImportKeyMaterial'], source: AWS_SOURCE },
  { name: 'CreateKey request rate', perSecond: 5, operations: ['CreateKey'], source: AWS_SOURCE },
  // DescribeKey has its own quota (2000; 100 in the page's older revisions), not the shared cryptographic one.
  { name: 'DescribeKey request rate', perSecond: 2000, operations: ['DescribeKey'], source: AWS_SOURCE },
  // 5 in the revision that has GetParametersForImport at 0.25; 15 in the newest.
  { name: 'DeleteImportedKeyMaterial request rate', perSecond: 5, operations: ['DeleteImportedKeyMaterial'], source: AWS_SOURCE },
  { name: 'EnableKey request rate', perSecond: 5, operations: ['EnableKey'], source: AWS_SOURCE },
  { name: 'DisableKey request rate', perSecond: 5, operations: ['DisableKey'], source: AWS_SOURCE },
  { name: 'ScheduleKeyDeletion request rate', perSecond: 15, operations: ['ScheduleKeyDeletion'], source: AWS_SOURCE },
  { name: 'CancelKeyDeletion request rate', perSecond: 5, operations: ['CancelKeyDeletion'], source: AWS_SOURCE },
  { name: 'UpdateKeyDescription request rate', perSecond: 5, operations: ['UpdateKeyDescription'], source: AWS_SOURCE },
  { name: 'CreateAlias request rate', perSecond: 5, operations: ['CreateAlias'], source: AWS_SOURCE },
  { name: 'UpdateAlias request rate', perSecond: 5, operations: ['UpdateAlias'], source: AWS_SOURCE },
  { name: 'DeleteAlias request rate', perSecond: 15, operations: ['DeleteAlias'], source: AWS_SOURCE },
  { name: 'ListAliases request rate', perSecond: 500, operations: ['ListAliases'], source: AWS_SOURCE },
  { name: 'ListKeys request rate', perSecond: 500, operations: ['ListKeys'], source: AWS_SOURCE },
  { name: 'TagResource request rate', perSecond: 10, operations: ['TagResource'], source: AWS_SOURCE },
  { name: 'UntagResource request rate', perSecond: 5, operations: ['UntagResource'], source: AWS_SOURCE },
  { name: 'ListResourceTags request rate', perSecond: 2000, operations: ['ListResourceTags'], source: AWS_SOURCE },
  { name: 'GetPublicKey request rate', perSecond: 2000, operations: ['GetPublicKey'], source: AWS_SOURCE },
  // Rotation of imported material (issue 15): the same page's figures for the three rotation operations.
  { name: 'RotateKeyOnDemand request rate', perSecond: 5, operations: ['RotateKeyOnDemand'], source: AWS_SOURCE },
  { name: 'ListKeyRotations request rate', perSecond: 100, operations: ['ListKeyRotations'], source: AWS_SOURCE },
  { name: 'GetKeyRotationStatus request rate', perSecond: 1000, operations: ['GetKeyRotationStatus'], source: AWS_SOURCE },
  // The shared symmetric quota varies by Region (5,500 / 10,000 / 50,000 / 100,000); the lowest is taken.
  { name: 'Cryptographic operations (symmetric) request rate', perSecond: 5500, operations: ['Encrypt', 'Decrypt', 'GenerateMac', 'VerifyMac'], source: AWS_SOURCE },
];

/** Alibaba Cloud KMS, shared gateway: quotas per account and region, each shared by a group of operations. */
const ALIBABA: readonly QuotaGroup[] = [
  // "Key management (read) … GetParametersForImport, DescribeKey, ListKeys, …, ListAliases …: 50 QPS".
  { name: 'Key management (read)', perSecond: 50, operations: ['GetParametersForImport', 'DescribeKey', 'ListKeys', 'ListAliases'], source: ALIBABA_SOURCE },
  { name: 'CMK creation', perSecond: 10, operations: ['CreateKey'], source: ALIBABA_SOURCE },
  // "Key management (write): operations to create aliases or modify CMKs, aliases, and tags: 30 QPS"; ImportKeyMaterial
  // and the state changes modify a CMK, so they are counted here.
  {
    name: 'Key management (write)', perSecond: 30, source: ALIBABA_SOURCE,
    operations: ['ImportKeyMaterial', 'DeleteKeyMaterial', 'ScheduleKeyDeletion', 'CancelKeyDeletion', 'EnableKey', 'DisableKey', 'CreateAlias', 'UpdateAlias', 'DeleteAlias', 'UpdateKeyDescription', 'TagResource'],
  },
  { name: 'Cryptographic operations (symmetric)', perSecond: 1000, operations: ['Encrypt', 'Decrypt'], source: ALIBABA_SOURCE },
];

/** Huawei Cloud KMS (DEW): one figure for every API — "In KMS, TPS (… API operations … per second) is set to 20." */
const HUAWEI: readonly QuotaGroup[] = [{ name: 'KMS TPS per user', perSecond: 20, operations: '*', source: HUAWEI_SOURCE }];

/**
 * Ping An Cloud publishes no KMS request quotas. Ours: its API follows Alibaba's, so Alibaba's older, stricter table
 * per CMK type (create 10, read-only 20, write 10 per second) stands in, marked as ours.
 */
const PINGAN: readonly QuotaGroup[] = [
  { name: 'create (ours)', perSecond: 10, operations: ['CreateCmk'], source: `none published; ours, after ${ALIBABA_LIMITS_SOURCE}`, ours: true },
  { name: 'read-only (ours)', perSecond: 20, operations: ['DescribeKey', 'GetParametersForImport'], source: `none published; ours, after ${ALIBABA_LIMITS_SOURCE}`, ours: true },
  {
    name: 'write (ours)', perSecond: 10, source: `none published; ours, after ${ALIBABA_LIMITS_SOURCE}`, ours: true,
    operations: ['ImportKeyMaterial', 'DeleteKeyMaterial', 'EnableKey', 'DisableKey', 'ScheduleKeyDeletion', 'CancelKeyDeletion'],
  },
];

/** Each cloud's published quotas, by cloud name (the provider's `cloud`, the emulator's protocol name and the first part of its request counters). */
export const PUBLISHED_QUOTAS: Readonly<Record<string, readonly QuotaGroup[]>> = {
  aws: AWS,
  alicloud: ALIBABA,
  huaweicloud: HUAWEI,
  pingan: PINGAN,
};
