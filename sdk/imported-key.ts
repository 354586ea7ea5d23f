// ImportedKey: the resource users declare. Arguments and outputs are documented in the README.

import * as pulumi from '@pulumi/pulumi';
import { DECLARED_OUTPUTS, SECRET_OUTPUTS } from '../provider/properties';
import type { MaterialRecord } from '../provider/types';
import { makeProviderRef, providerModuleReference } from './provider-ref';

export interface ImportedKeyArgs {
  /** "aws" (and "alicloud", "huaweicloud" where registered). */
  cloud: pulumi.Input<string>;
  /** Falls back to the stack's `<cloud>:region` config, then the cloud's environment variables. */
  region?: pulumi.Input<string>;
  /** Overrides the cloud's endpoint, e.g. the local emulator's URL. */
  endpoint?: pulumi.Input<string>;
  /** Huawei Cloud project id (else `huaweicloud:projectId` or the environment). */
  projectId?: pulumi.Input<string>;
  /** Adopt this existing EXTERNAL key instead of creating one. */
  keyId?: pulumi.Input<string>;
  description?: pulumi.Input<string>;
  /**
   * Optional except on Huawei, where one is derived from the resource name (plus a random suffix) when left out.
   * A given alias must match the cloud's pattern (Huawei ^[a-zA-Z0-9:/_-]{1,255}$, Alibaba alias/<name>), checked at preview.
   */
  alias?: pulumi.Input<string>;
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Default: the cloud's symmetric spec (AWS SYMMETRIC_DEFAULT). */
  keySpec?: pulumi.Input<string>;
  keyUsage?: pulumi.Input<string>;
  /**
   * Alibaba Cloud only: where the created key lives, SOFTWARE or HSM. Default: SOFTWARE for Aliyun_AES_256, HSM for
   * Aliyun_SM4 (its only level). HSM keys also take SM2PKE-wrapped material (wrapping key spec EC_SM2). A change replaces the key.
   */
  protectionLevel?: pulumi.Input<'SOFTWARE' | 'HSM'>;
  /** Base64 of the raw key material. Always stored as a secret. Exactly one of this and keyMaterialSource. */
  keyMaterial?: pulumi.Input<string>;
  /**
   * Where the provider reads the material, at the step that needs it, instead of keyMaterial (the material is then never
   * in the program or the state): `{ file: path }` (raw bytes), `{ env: NAME }` (base64), `{ command: [argv…],
   * timeoutSeconds? }` (prints base64; no shell), or `{ pkcs11: { module, token, key, pinEnv } }` (the HSM wraps the key;
   * the plaintext never leaves it). Stored as a secret (a command's arguments may hold a token).
   */
  keyMaterialSource?: pulumi.Input<KeyMaterialSource>;
  /**
   * AWS symmetric keys: what a new keyMaterial does. `replace` (default): a new key, the alias moved to it. `rotate`: the
   * same key imports it and rotates to it (RotateKeyOnDemand); data encrypted under earlier materials stays readable.
   */
  onMaterialChange?: pulumi.Input<'replace' | 'rotate'>;
  /**
   * With rotate: every earlier material of the key, oldest first: each base64, or a source like keyMaterialSource (read
   * only at the step that reimports it). The key is usable only while all of them are imported, so heal and renewal
   * need them; always stored as a secret.
   */
  previousKeyMaterials?: pulumi.Input<pulumi.Input<string | KeyMaterialSource>[]>;
  /** Default: RSAES_OAEP_SHA_256 (RSA_AES_KEY_WRAP_SHA_256 for AWS RSA and ECC key specs). */
  wrappingAlgorithm?: pulumi.Input<string>;
  /** Default: RSA_2048 (EC_SM2 for SM2PKE on Alibaba, SM2 on Huawei). */
  wrappingKeySpec?: pulumi.Input<string>;
  /** ISO 8601 date and time the material expires; leave out (and expiresIn) for material that never expires. */
  expiresAt?: pulumi.Input<string>;
  /**
   * A rolling expiry instead of a date: an ISO 8601 duration (P90D, P2W, PT36H, P1DT12H; no years or months).
   * Each import expires this long after it; `pulumi up` renews the material once it expires sooner than `renewBefore`.
   */
  expiresIn?: pulumi.Input<string>;
  /** With expiresIn: renew when the material expires sooner than this ISO 8601 duration. Default: half of expiresIn. */
  renewBefore?: pulumi.Input<string>;
  /** Default: scheduleKeyDeletion for keys the resource creates, deleteMaterial for adopted keys. */
  onDelete?: pulumi.Input<'scheduleKeyDeletion' | 'deleteMaterial' | 'retain'>;
  /** Default: 30 on AWS (7–30). */
  deletionWindowInDays?: pulumi.Input<number>;
  /** Whether the key is enabled (default true): `pulumi up` enables (EnableKey) or disables (DisableKey) it to match, and a key disabled out of band shows as drift. */
  enabled?: pulumi.Input<boolean>;
}

/** keyMaterialSource: exactly one kind. */
export type KeyMaterialSource =
  | { file: string }
  | { env: string }
  | { command: string[]; timeoutSeconds?: number }
  | {
    pkcs11: {
      /** Path of the HSM vendor's PKCS#11 library, e.g. /usr/lib/softhsm/libsofthsm2.so. */
      module: string;
      token: { label: string } | { slot: number };
      /** The secret key by its CKA_LABEL, or its CKA_ID in hexadecimal. */
      key: { label: string } | { id: string };
      /** The NAME of the environment variable holding the user PIN (never the PIN). */
      pinEnv: string;
    };
  };

/** One entry of the keyMaterials output: id, state, import state, expiry, description (never the material). */
export type KeyMaterialOutput = MaterialRecord;

/** The state of an existing ImportedKey, for `ImportedKey.get`. */
export type ImportedKeyState = Record<string, pulumi.Input<unknown>>;

// One provider object per process so Pulumi's serialization cache serves every resource.
let sharedProvider: pulumi.dynamic.ResourceProvider | undefined;
function provider(): pulumi.dynamic.ResourceProvider {
  return (sharedProvider ??= makeProviderRef(providerModuleReference()));
}

/** The region argument, else the stack's `<cloud>:region` config (as the clouds' own providers do); the environment is the adapter's last resort. */
function regionOf(args: ImportedKeyArgs): pulumi.Input<string | undefined> {
  if (args.region !== undefined) return args.region;
  return pulumi.output(args.cloud).apply((cloud) => new pulumi.Config(cloud).get('region'));
}

/**
 * Aliases asked for by this program's ImportedKeys, by place (cloud, region, endpoint, project) → resource name; one
 * table per run of the program (its engine connection), so a process that runs several programs (the Automation API)
 * does not carry claims over.
 */
const aliasClaimsByRun = new WeakMap<object, Map<string, string>>();
const noRun = {};
function aliasClaims(): Map<string, string> {
  const run = (pulumi.runtime.getMonitor() as object | undefined) ?? noRun;
  let claims = aliasClaimsByRun.get(run);
  if (!claims) aliasClaimsByRun.set(run, (claims = new Map()));
  return claims;
}

/** Two resources of one program asking for the same alias would take it from each other: refuse the second. */
function claimAlias(name: string, cloud: unknown, region: unknown, endpoint: unknown, projectId: unknown, alias: unknown, keyId: unknown): void {
  // An adopted key's alias is not created (alias is for keys the resource creates).
  if (typeof alias !== 'string' || alias === '' || keyId) return;
  const place = [cloud, region ?? '', endpoint ?? '', projectId ?? '', alias].join('\u0000');
  const claims = aliasClaims();
  const holder = claims.get(place);
  if (holder !== undefined && holder !== name) {
    throw new Error(
      `ImportedKey ${name}: alias "${alias}" is already asked for by ImportedKey ${holder} in this program (${String(cloud)}${region ? ` ${String(region)}` : ''}); ` +
        'an alias names one key: give each ImportedKey its own alias',
    );
  }
  claims.set(place, name);
}

// The outputs below are those of the properties table (DECLARED_OUTPUTS): the `declare` lines give them their types,
// and tests/sdk/imported-key.test.ts checks that the two agree.
export class ImportedKey extends pulumi.dynamic.Resource {
  /** The alias given, or on clouds that require one (Huawei) the one derived from the resource name. */
  declare readonly alias: pulumi.Output<string | undefined>;
  /** The key's id (the resource's id): known during previews, also of an in-place update. */
  declare readonly keyId: pulumi.Output<string>;
  declare readonly arn: pulumi.Output<string>;
  declare readonly keyState: pulumi.Output<string>;
  declare readonly origin: pulumi.Output<string>;
  declare readonly keySpec: pulumi.Output<string>;
  declare readonly keyUsage: pulumi.Output<string>;
  /** Alibaba Cloud: SOFTWARE or HSM, as DescribeKey reports it; undefined on clouds without protection levels. */
  declare readonly protectionLevel: pulumi.Output<string | undefined>;
  declare readonly expirationModel: pulumi.Output<string | undefined>;
  declare readonly validTo: pulumi.Output<string | undefined>;
  declare readonly keyMaterialId: pulumi.Output<string | undefined>;
  /** With keyMaterialSource: what it is (kind and path, variable, program, or PKCS#11 module, token and key); never a secret. */
  declare readonly materialSource: pulumi.Output<string | undefined>;
  /** Salted digest of the material, to notice a change of material; secret. */
  declare readonly materialDigest: pulumi.Output<string>;
  /** AWS: the id of the material the key encrypts with (the same as keyMaterialId). */
  declare readonly currentKeyMaterialId: pulumi.Output<string | undefined>;
  /** AWS: every material of the key (id, state, import state, expiry, description); never a material or its digest. */
  declare readonly keyMaterials: pulumi.Output<KeyMaterialOutput[] | undefined>;

  constructor(name: string, args: ImportedKeyArgs, opts?: pulumi.CustomResourceOptions);
  /** @internal used by `get` */
  constructor(name: string, args: ImportedKeyArgs | undefined, opts?: pulumi.CustomResourceOptions, state?: ImportedKeyState);
  constructor(name: string, args: ImportedKeyArgs | undefined, opts: pulumi.CustomResourceOptions = {}, state?: ImportedKeyState) {
    if (opts.import !== undefined) {
      // The engine would call Read without the serialized provider, which the dynamic-provider host cannot serve.
      throw new Error(
        `ImportedKey ${name}: the \`import\` resource option (and \`pulumi import\`) cannot adopt a key into a dynamic resource; ` +
          `adopt it with the keyId argument instead: new ImportedKey('${name}', { cloud, keyId: '${opts.import}', keyMaterial })`,
      );
    }
    if (args && !state) {
      const { cloud, endpoint, projectId, alias, keyId } = args;
      const plain = [cloud, args.region, endpoint, projectId, alias, keyId].every((v) => v === undefined || typeof v === 'string');
      // Known now: refuse at once; else when the values are known (an error in the program, before any step).
      if (plain) claimAlias(name, cloud, args.region ?? new pulumi.Config(String(cloud)).get('region'), endpoint, projectId, alias, keyId);
      else pulumi.all([cloud, regionOf(args), endpoint, projectId, alias, keyId]).apply(([c, r, e, p, a, k]) => claimAlias(name, c, r, e, p, a, k));
    }
    // resourceName: where the cloud requires an alias and none is given, the provider derives it from the name.
    const props: Record<string, unknown> = state
      ? { ...state }
      : {
        ...args,
        ...(args!.keyMaterial !== undefined ? { keyMaterial: pulumi.secret(args!.keyMaterial) } : {}),
        ...(args!.keyMaterialSource !== undefined ? { keyMaterialSource: pulumi.secret(args!.keyMaterialSource) } : {}),
        ...(args!.previousKeyMaterials !== undefined ? { previousKeyMaterials: pulumi.secret(args!.previousKeyMaterials) } : {}),
        region: regionOf(args!), resourceName: name, stackScope: `${pulumi.getProject()}/${pulumi.getStack()}` };
    // Outputs are passed as undefined so the engine fills them in (else they would never resolve).
    for (const output of DECLARED_OUTPUTS) if (props[output] === undefined) props[output] = undefined;
    super(provider(), name, props, {
      ...opts,
      additionalSecretOutputs: [...(opts.additionalSecretOutputs ?? []), ...SECRET_OUTPUTS],
    });
    // keyId is the resource's id. Read from `id` it stays known while a preview plans an in-place update, where
    // the engine does not call a dynamic provider and every other output reads as unknown.
    (this as { keyId: pulumi.Output<string> }).keyId = this.id;
  }

  /** Reads an existing ImportedKey from state by id (there is no `pulumi import` for dynamic resources). */
  static get(name: string, id: pulumi.Input<pulumi.ID>, state?: ImportedKeyState, opts?: pulumi.CustomResourceOptions): ImportedKey {
    return new ImportedKey(name, undefined, { ...opts, id }, state ?? {});
  }
}
