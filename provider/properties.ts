// The one table of ImportedKey's arguments and outputs. check.ts (which names are arguments, which are strings,
// which only fit a created key), lifecycle.ts (what a change means), outputs.ts (what the state records), the SDK
// class (which outputs it declares, which are secret) and the README's tables (a unit test compares them) all read
// it, so a new argument is written down once.
//
// Plain data and no imports: sdk/ loads this module into users' programs, which must not pull in cloud SDKs.

/**
 * What a change of the property means in `pulumi up`:
 * - replace: another key (a new one is created, or another adopted);
 * - reimport: the same material is imported again into the same key (a new expiry);
 * - update: a cloud call on the same key without a reimport (EnableKey / DisableKey);
 * - local: recorded only, no cloud call (it matters to later steps: the next import, the delete);
 * - ignored: not compared (it names the resource, not the key);
 * - kept: not recorded and no cloud call of its own: only held within reach of the steps that need it (earlier materials a heal reimports);
 * - rotate: an in-place update with onMaterialChange rotate (AWS: new material, same key), else a replacement;
 * - output: not an argument; the provider or the cloud sets it.
 */
export type ChangeMeans = 'replace' | 'reimport' | 'update' | 'local' | 'ignored' | 'kept' | 'rotate' | 'output';

/** Where a recorded output's value comes from. */
export type OutputSource =
  /** The argument as checked, copied when given. */
  | 'argument'
  /** The cloud's DescribeKey (its KeyDescription), always recorded (undefined where it reports nothing). */
  | 'cloud'
  /** The cloud's DescribeKey where it reports one, else the argument (a cloud that does not report it). */
  | 'cloud-or-argument'
  /** Worked out by the provider (the onDelete in effect, whether adopted, the digest, what is still pending). */
  | 'provider';

export interface Property {
  readonly name: string;
  /** The value's type as the engine passes it. */
  readonly type: 'string' | 'number' | 'boolean' | 'map' | 'object' | 'list';
  /** Which clouds take it: every cloud, or only these (the others refuse it at preview). */
  readonly clouds: 'all' | readonly string[];
  /** The default, as the README says it ('—' for none). */
  readonly default: string;
  readonly change: ChangeMeans;
  /** Always a secret (the SDK class makes it one whatever the program passes). */
  readonly secret: boolean;
  /** An argument users give (or the SDK class passes): `check` refuses names that are not one. */
  readonly argument: boolean;
  /** Only for a key the resource creates: refused with keyId. */
  readonly createOnly: boolean;
  /** A creation setting that, left out, means the cloud's default: what the created key already has, so no change. */
  readonly cloudDefault: boolean;
  /** Says where the key is (which cloud and API to call): known before the cloud can be asked anything. */
  readonly place: boolean;
  /** Not set by users: `sdk` (the ImportedKey class passes it) or `provider` (the provider records it). Not listed in messages. */
  readonly internal?: 'sdk' | 'provider';
  /** How the state records it (absent: never recorded); `declared`: a property of the ImportedKey class (the README's Outputs). */
  readonly output?: { readonly from: OutputSource; readonly declared: boolean };
  readonly doc: string;
}

type Row = Pick<Property, 'name' | 'type' | 'default' | 'change' | 'doc'> & Partial<Omit<Property, 'name' | 'type' | 'default' | 'change' | 'doc'>>;

/** What a row leaves out; spelt out in its type too, so that `select` knows each row's flags at compile time. */
interface Defaults {
  clouds: 'all';
  secret: false;
  argument: true;
  createOnly: false;
  cloudDefault: false;
  place: false;
  internal: undefined;
  output: undefined;
}
const DEFAULTS: Defaults = {
  clouds: 'all', secret: false, argument: true, createOnly: false, cloudDefault: false, place: false, internal: undefined, output: undefined,
};

function row<const S extends Row>(spec: S): Omit<Defaults, keyof S> & S {
  return { ...DEFAULTS, ...spec };
}

/** Not an argument: recorded by the provider or reported by the cloud. */
function output<const S extends Omit<Row, 'change' | 'default' | 'argument'> & { output: Property['output'] }>(
  spec: S,
): Omit<Defaults, keyof S | 'argument'> & S & { default: '—'; change: 'output'; argument: false } {
  return { ...DEFAULTS, ...spec, default: '—', change: 'output', argument: false };
}

// The order is the order messages list the arguments in (check.ts), and the order the diff judges them in.
const ROWS = [
  row({
    name: 'cloud', type: 'string', default: '— (required)', change: 'replace', place: true, output: { from: 'argument', declared: false },
    doc: 'Which cloud holds the key: aws, alicloud, huaweicloud or pingan.',
  }),
  row({
    name: 'region', type: 'string', default: 'stack config `<cloud>:region`, then the cloud\'s environment variables', change: 'replace', place: true,
    output: { from: 'argument', declared: false }, doc: 'The region of the key; another region means another key.',
  }),
  row({
    name: 'endpoint', type: 'string', default: 'the cloud\'s public endpoint', change: 'local', place: true, output: { from: 'argument', declared: false },
    doc: 'Overrides the cloud\'s endpoint, e.g. the local emulator\'s URL.',
  }),
  row({
    name: 'projectId', type: 'string', clouds: ['huaweicloud'], default: '`HUAWEICLOUD_SDK_PROJECT_ID` / `HW_PROJECT_ID`', change: 'replace', place: true,
    output: { from: 'argument', declared: false }, doc: 'The Huawei Cloud project of the key.',
  }),
  row({
    name: 'keyId', type: 'string', default: '—', change: 'replace', output: { from: 'cloud', declared: true },
    doc: 'Adopt this existing EXTERNAL key instead of creating one; as an output, the key\'s id (the resource\'s id).',
  }),
  row({
    name: 'description', type: 'string', default: '—', change: 'replace', createOnly: true, output: { from: 'argument', declared: false },
    doc: 'The created key\'s description.',
  }),
  row({
    name: 'alias', type: 'string', default: '— (Huawei: derived from the resource name)', change: 'replace', createOnly: true,
    output: { from: 'argument', declared: true }, doc: 'The created key\'s alias; on clouds that require one, derived from the resource name when left out.',
  }),
  row({
    name: 'tags', type: 'map', clouds: ['aws', 'alicloud'], default: '—', change: 'replace', createOnly: true, output: { from: 'argument', declared: false },
    doc: 'The created key\'s tags.',
  }),
  row({
    name: 'keySpec', type: 'string', default: 'AWS `SYMMETRIC_DEFAULT`, Alibaba `Aliyun_AES_256`, Huawei `AES_256`, Ping An `AES_256`', change: 'replace', cloudDefault: true,
    output: { from: 'cloud', declared: true }, doc: 'The key spec; an adopted key\'s must match it.',
  }),
  row({
    name: 'keyUsage', type: 'string', default: 'the spec\'s first usage', change: 'replace', createOnly: true, cloudDefault: true,
    output: { from: 'cloud', declared: true }, doc: 'The created key\'s usage, checked against the key spec.',
  }),
  row({
    name: 'protectionLevel', type: 'string', clouds: ['alicloud'], default: 'Alibaba: `SOFTWARE` for `Aliyun_AES_256`, `HSM` for `Aliyun_SM4`', change: 'replace',
    createOnly: true, cloudDefault: true, output: { from: 'cloud-or-argument', declared: true }, doc: 'Where the created key lives: SOFTWARE or HSM.',
  }),
  row({
    name: 'keyMaterial', type: 'string', default: '— (this or keyMaterialSource)', change: 'rotate', secret: true,
    doc: 'Base64 of the raw key material; never recorded (an adopted key refuses new material unless it rotates).',
  }),
  row({
    name: 'keyMaterialSource', type: 'object', default: '— (this or keyMaterial)', change: 'rotate', secret: true,
    doc: 'Where the provider reads the material at the step that needs it, instead of keyMaterial: { file }, { env }, { command }, { pkcs11 } (the HSM wraps it).',
  }),
  row({
    name: 'onMaterialChange', type: 'string', clouds: ['aws'], default: '`replace`', change: 'local', output: { from: 'argument', declared: false },
    doc: 'What new keyMaterial does: replace (a new key, the alias moved to it) or rotate (AWS symmetric keys: the same key rotates to it).',
  }),
  row({
    name: 'previousKeyMaterials', type: 'list', clouds: ['aws'], default: '—', change: 'kept', secret: true,
    doc: 'With rotate: every earlier material of the key, oldest first, each base64 or a source as keyMaterialSource; never recorded, kept so that heal and renewal can reimport them.',
  }),
  row({
    name: 'wrappingAlgorithm', type: 'string', default: '`RSAES_OAEP_SHA_256`; AWS RSA/ECC/SM2 specs: `RSA_AES_KEY_WRAP_SHA_256`', change: 'local',
    output: { from: 'argument', declared: false }, doc: 'How the material is wrapped for the import.',
  }),
  row({
    name: 'wrappingKeySpec', type: 'string', default: '`RSA_2048` (`SM2` / `EC_SM2` with `SM2PKE`)', change: 'local', output: { from: 'argument', declared: false },
    doc: 'The wrapping key the import asks the cloud for.',
  }),
  row({
    name: 'expiresAt', type: 'string', default: 'never expires', change: 'reimport', output: { from: 'argument', declared: false },
    doc: 'ISO 8601 date and time the material expires.',
  }),
  row({
    name: 'expiresIn', type: 'string', default: 'never expires', change: 'reimport', output: { from: 'argument', declared: false },
    doc: 'A rolling expiry: each import expires this long (ISO 8601 duration) after it.',
  }),
  row({
    name: 'renewBefore', type: 'string', default: 'half of `expiresIn`', change: 'reimport', output: { from: 'argument', declared: false },
    doc: 'With expiresIn: renew when the material expires sooner than this.',
  }),
  row({
    name: 'onDelete', type: 'string', default: '`scheduleKeyDeletion` for created keys, `deleteMaterial` for adopted keys', change: 'local',
    output: { from: 'provider', declared: false }, doc: 'What destroy does: scheduleKeyDeletion, deleteMaterial or retain.',
  }),
  row({
    name: 'deletionWindowInDays', type: 'number', default: 'AWS 30, Alibaba 30, Huawei 7, Ping An 30', change: 'local', output: { from: 'argument', declared: false },
    doc: 'The waiting period of a scheduled deletion.',
  }),
  row({
    name: 'enabled', type: 'boolean', default: '`true`', change: 'update', output: { from: 'argument', declared: false },
    doc: 'Whether the key is enabled: up enables or disables it to match.',
  }),
  row({ name: 'resourceName', type: 'string', default: 'the resource name', change: 'ignored', internal: 'sdk', doc: 'The Pulumi resource name (an alias is derived from it).' }),
  row({ name: 'stackScope', type: 'string', default: '`<project>/<stack>`', change: 'ignored', internal: 'sdk', doc: 'With the resource name, what a creation token is made of.' }),
  row({ name: '__provider', type: 'string', default: 'the serialized provider', change: 'ignored', internal: 'sdk', doc: 'The dynamic provider, serialized by Pulumi.' }),
  output({
    name: 'aliasDerived', type: 'boolean', internal: 'provider', output: { from: 'argument', declared: false },
    doc: 'True when alias was derived from the resource name: kept while the argument stays out.',
  }),
  output({ name: 'adopted', type: 'boolean', output: { from: 'provider', declared: false }, doc: 'True when the key was adopted through keyId.' }),
  output({
    name: 'pendingFinish', type: 'object', output: { from: 'provider', declared: false },
    doc: 'A created key\'s alias, tags or description that the cloud does not have yet; the next update sets them.',
  }),
  output({ name: 'arn', type: 'string', output: { from: 'cloud', declared: true }, doc: 'The key\'s ARN (AWS), ARN-like name (Alibaba), else its id.' }),
  output({ name: 'keyState', type: 'string', output: { from: 'cloud', declared: true }, doc: 'Enabled, Disabled, PendingImport, …' }),
  output({ name: 'origin', type: 'string', output: { from: 'cloud', declared: true }, doc: 'EXTERNAL: the key takes imported material.' }),
  output({ name: 'expirationModel', type: 'string', output: { from: 'cloud', declared: true }, doc: 'Whether the material expires.' }),
  output({ name: 'validTo', type: 'string', output: { from: 'cloud', declared: true }, doc: 'When the material expires.' }),
  output({ name: 'keyMaterialId', type: 'string', output: { from: 'cloud', declared: true }, doc: 'The id of the key\'s current material, where the cloud has one.' }),
  output({
    name: 'materialSource', type: 'string', output: { from: 'provider', declared: true },
    doc: 'With keyMaterialSource: what it is (kind and path, variable, program, or PKCS#11 module, token and key), never the material or a PIN.',
  }),
  output({ name: 'materialDigest', type: 'string', secret: true, output: { from: 'provider', declared: true }, doc: 'Salted digest of the material, to notice a change of material.' }),
  output({
    name: 'currentKeyMaterialId', type: 'string', clouds: ['aws'], output: { from: 'provider', declared: true },
    doc: 'The id of the material the key encrypts with (AWS CurrentKeyMaterialId); the same as keyMaterialId.',
  }),
  output({
    name: 'keyMaterials', type: 'list', clouds: ['aws'], output: { from: 'provider', declared: true },
    doc: 'Every material of the key: keyMaterialId, state, importState, expirationModel, validTo, description (never the material or its digest).',
  }),
  output({
    name: 'materialDigests', type: 'map', secret: true, internal: 'provider', output: { from: 'provider', declared: false },
    doc: 'keyMaterialId → salted digest of that material, to find its plaintext among keyMaterial and previousKeyMaterials.',
  }),
] as const;

/** Every argument and output, in the table's order. */
export const PROPERTIES: readonly Property[] = ROWS;

type AnyRow = (typeof ROWS)[number];
/** A row's name, as a type: the names `select` returns are typed, so a lifecycle list can index the arguments with them. */
export type PropertyName = AnyRow['name'];

/** A deep partial row: `select` keeps the rows that agree with every value it gives (nested: the output's `from`, `declared`). */
type Pattern = { readonly [K in keyof Property]?: Property[K] extends infer V ? (V extends object ? Partial<V> : V) : never };

function agrees(value: unknown, pattern: unknown): boolean {
  if (typeof pattern !== 'object' || pattern === null) return value === pattern;
  if (typeof value !== 'object' || value === null) return false;
  return Object.entries(pattern).every(([key, wanted]) => agrees((value as Record<string, unknown>)[key], wanted));
}

/** The names of the rows that agree with `pattern`, in the table's order (and typed as exactly those names). */
export function select<const P extends Pattern>(pattern: P): readonly Extract<AnyRow, P>['name'][] {
  return ROWS.filter((property) => agrees(property, pattern)).map((property) => property.name as Extract<AnyRow, P>['name']);
}

/** The outputs the ImportedKey class declares (the README's Outputs). */
export const DECLARED_OUTPUTS = select({ output: { declared: true } });
/** The outputs the engine keeps secret (additionalSecretOutputs): declared or not, the engine marks them in the state. */
export const SECRET_OUTPUTS = select({ argument: false, secret: true });

export function findProperty(name: string): Property | undefined {
  return PROPERTIES.find((property) => property.name === name);
}
