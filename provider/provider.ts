// The ResourceProvider functions the dynamic-provider host calls (exports named as the host calls
// them), reached through the tiny serialized provider in sdk/provider-ref.ts, which require()s this
// module at call time. Thin: Pulumi shapes in and out; the work is in check.ts, lifecycle.ts and
// operations.ts. Never logs; the key material never reaches an error, output or log.

import type * as pulumi from '@pulumi/pulumi';
import { checkInputs } from './check';
import type { Material } from './material-sources';
import { checkHsmAtPreview, diffMaterial, diffPreviousMaterials, stepMaterial } from './source-material';
import { createAdapter, findCloudProfile, getCloudProfile } from './clouds';
import type { CloudProfile } from './clouds/adapter';
import { digestMaterial } from './digest';
import { ImportedKeyError } from '../core/errors';
import { finishDiff, isUnknown, needsLiveLook, offlineDiff } from './lifecycle';
import {
  cloudNow, createImportedKey, deleteImportedKey, readImportedKey, updateImportedKey, withDerivedAlias, withRecordedDefaults, type Cloud,
} from './operations';
import { toOutputs } from './outputs';
import { select } from './properties';
import { dropLook, leaveLook, lookKey, takeLook } from './recent-look';
import type { KeyInputs, KeyOutputs } from './types';
import { describeRecordedKey } from './waiter';
import { recordedMaterialCount } from './materials';

type Props = Record<string, any>;

const PROVIDER_KEY = '__provider';

/**
 * The adapter for a resource's cloud, region and endpoint, released after each step; the SDK clients under it are shared
 * by every step of this host with the same settings (clouds/client-cache.ts) and stay open: destroy() closes only
 * what the adapter built itself.
 */
function connect(props: Partial<KeyInputs>): Cloud & { close(): void } {
  const profile = getCloudProfile(String(props.cloud));
  const adapter = createAdapter(profile.cloud, {
    // The SDK already put the stack's <cloud>:region here when the argument was left out.
    region: props.region,
    endpoint: props.endpoint,
    projectId: props.projectId,
  });
  return { profile, adapter, close: () => adapter.destroy() };
}

async function withCloud<T>(props: Partial<KeyInputs>, work: (cloud: Cloud) => Promise<T>): Promise<T> {
  const cloud = connect(props);
  try {
    return await work(cloud);
  } finally {
    cloud.close();
  }
}

/** Pulumi's Struct has no `undefined`: drop those keys. */
function plain<T extends object>(value: T): Props {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}

/** Arguments whose value must never be shown: the engine prints a failure's property value (unmasked unless it came from stack config). */
const SECRET_ARGUMENTS: ReadonlySet<string> = new Set(select({ argument: true, secret: true }));

export async function check(olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult> {
  const { inputs, failures } = checkInputs(news, new Date(), process.env, olds);
  // An HSM that cannot wrap as asked is refused at preview (the one source check opens; source-material.ts).
  if (failures.length === 0) failures.push(...await checkHsmAtPreview(inputs as KeyInputs));
  // A failure with no property is printed as its reason alone; the reason still names the argument.
  const shown = failures.map((f) =>
    SECRET_ARGUMENTS.has(f.property) ? { property: '', reason: f.reason.startsWith(f.property) ? f.reason : `${f.property} ${f.reason}` } : f,
  );
  return { inputs: plain(inputs), failures: shown };
}

export async function diff(id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> {
  const recordedCloud = findCloudProfile(String(olds.cloud));
  const outputs = recordedCloud ? withRecordedDefaults(recordedCloud, olds as KeyOutputs) : (olds as KeyOutputs);
  const inputs = news as KeyInputs;
  const material = isUnknown(inputs.keyMaterial) || isUnknown(inputs.keyMaterialSource) ? 'unknown' : await diffMaterial(inputs, outputs);
  const offline = offlineDiff(outputs, inputs, material, {
    previous: await previousForDiff(inputs, outputs),
    keySpecs: recordedCloud?.materialRotation?.keySpecs,
  });
  const place = { ...inputs, region: inputs.region ?? outputs.region };
  const memo = lookKey(place, id);
  // The lifecycle says whether the key must be described first (never for a replacement already certain).
  const { live, now } = needsLiveLook(offline, id)
    // A refresh's Diff follows its Read at once: what the Read just saw is the key now (recent-look.ts).
    ? takeLook(memo, 'read') ?? await withCloud(place, async ({ adapter }) => {
      // A NotFound right after a create may be a describe that has not seen the key yet: not a replacement until it persists.
      const seen = { live: await describeRecordedKey(adapter, id), now: cloudNow(adapter) };
      // The Update that may follow this Diff takes this answer instead of describing again.
      if (seen.live) leaveLook(memo, 'diff', { live: seen.live, now: seen.now });
      return seen;
    })
    : (dropLook(memo), { live: 'unchecked' as const, now: new Date() });
  const plan = finishDiff(offline, live, now);
  // A key found gone frees its alias; one not looked at (a certain replacement) or still there keeps it.
  if (plan.replaces.length > 0 && live !== undefined) refuseAliasThatCannotMove(recordedCloud, outputs, inputs, plan.replaces);
  // A changed material behind a source: the engine names the argument the program gave.
  const replaces = inputs.keyMaterialSource !== undefined ? plan.replaces.map((name) => (name === 'keyMaterial' ? 'keyMaterialSource' : name)) : plan.replaces;
  return { changes: plan.changes, replaces, deleteBeforeReplace: false };
}

/**
 * previousKeyMaterials as the diff judges them: read (a source opened) only where the lifecycle looks at them — a key
 * that rotates, or holds several materials already — so a plain preview runs no command and opens no HSM for them.
 */
async function previousForDiff(inputs: KeyInputs, outputs: KeyOutputs): Promise<readonly Material[] | 'unknown'> {
  if (inputs.onMaterialChange !== 'rotate' && recordedMaterialCount(outputs) < 2) return [];
  if (isUnknown(inputs.previousKeyMaterials) || (inputs.previousKeyMaterials ?? []).some((entry) => isUnknown(entry))) return 'unknown';
  return diffPreviousMaterials(inputs, outputs);
}

/**
 * Where a key keeps its alias until it is deleted (CloudProfile.aliasStaysWithKey), a replacement in the same cloud and
 * region asking for the same alias of a key that still exists would create its key and then fail on the alias: refused
 * at preview instead.
 */
function refuseAliasThatCannotMove(recordedCloud: CloudProfile | undefined, olds: KeyOutputs, news: KeyInputs, replaces: readonly string[]): void {
  if (!recordedCloud?.aliasStaysWithKey || olds.adopted || news.cloud !== olds.cloud) return;
  if (news.alias === undefined || isUnknown(news.alias) || news.alias !== olds.alias || (news.region ?? olds.region) !== olds.region) return;
  throw new ImportedKeyError(
    'InvalidArgument',
    `alias: ${JSON.stringify(String(news.alias).slice(0, 60))} stays with key ${olds.keyId} until that key is deleted ` +
      `(${recordedCloud.cloud} can neither move an alias nor free it), so the new key this change makes ` +
      `(it replaces the key: ${replaces.join(', ')}) cannot have it; give the new key another alias, or leave alias out`,
  );
}

export async function create(inputs: Props): Promise<pulumi.dynamic.CreateResult> {
  const args = withDerivedAlias(getCloudProfile(String(inputs.cloud)), inputs as KeyInputs);
  // Before any cloud call: a source that cannot be read (or an HSM that cannot wrap) creates nothing.
  const material = await stepMaterial(args);
  try {
    const { id, outs } = await withCloud(args, (cloud) => createImportedKey(cloud, args, material));
    return { id, outs: plain(outs) };
  } catch (error) {
    if (error instanceof ImportedKeyError && error.id) throw partlyCreated(error, args, material, inputs[PROVIDER_KEY]);
    throw error;
  }
}

/**
 * The host turns an error with `id` and `properties` into ErrorResourceInitFailed: the engine keeps the key in state
 * with exactly these properties, and the next `up` updates it (finishes it in the same key) instead of creating
 * another. The properties are what the cloud has (error.outputs), never more.
 */
function partlyCreated(error: ImportedKeyError, args: KeyInputs, material: Material, provider: unknown): ImportedKeyError {
  const known = error.outputs ?? toOutputs({ keyId: error.id!, keyState: 'PendingImport' }, { createdAt: args, materialDigest: digestMaterial(material) });
  // Delete and update of the partial resource deserialize the provider from these properties.
  return Object.assign(error, { properties: plain({ ...known, [PROVIDER_KEY]: provider }), reasons: [error.message] });
}

/**
 * The host turns any error with `id` into a partial failure whose properties are the error's own (none, here), so
 * the state would lose everything, `__provider` included, and refresh and destroy would fail after. An update that
 * fails without changing the key leaves the resource as it was recorded: the same error without the id.
 */
function withoutKeyId(error: unknown): unknown {
  if (!(error instanceof ImportedKeyError) || error.id === undefined) return error;
  return new ImportedKeyError(error.code, error.message, { cause: error.cause, cloudCode: error.cloudCode });
}

export async function read(id: string, props: Props): Promise<pulumi.dynamic.ReadResult> {
  const olds = props as KeyOutputs;
  const memo = lookKey(olds, id);
  // The Diff the engine runs right after a refresh's Read takes what this Read saw (recent-look.ts).
  const live = await withCloud(olds, (cloud) => readImportedKey(cloud, id, olds, (look) => leaveLook(memo, 'read', look)));
  if (!live) dropLook(memo);
  if (live) return { id: live.keyId, props: plain(live) };
  // `ImportedKey.get` (no recorded keyState): the engine would take an empty answer as success with empty outputs.
  if (olds.keyState === undefined) throw new ImportedKeyError('KeyNotFound', `ImportedKey.get: key ${id} does not exist or is pending deletion`);
  // A refresh: an empty id tells the engine the resource is gone.
  return { id: '', props: {} };
}

export async function update(id: string, olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult> {
  const args = news as KeyInputs;
  try {
    const material = await stepMaterial(args, olds as Partial<KeyOutputs>);
    const place = { ...args, region: args.region ?? olds.region };
    // What the Diff just before saw of the key, instead of describing it again (recent-look.ts).
    const recent = takeLook(lookKey(place, id), 'diff');
    const outs = await withCloud(place, (cloud) => updateImportedKey(cloud, id, olds as Partial<KeyOutputs>, args, material, recent));
    return { outs: plain(outs) };
  } catch (error) {
    // An update that changed the key and could not finish (material deleted, not imported again) says what the key is
    // now: the host turns an error with `id` and `properties` into a partial failure, and the engine (real CLI and
    // harness alike) records exactly these properties, with init errors, so the next `up` updates it again.
    if (error instanceof ImportedKeyError && error.id !== undefined && error.outputs) {
      throw Object.assign(error, { properties: plain({ ...error.outputs, [PROVIDER_KEY]: news[PROVIDER_KEY] }), reasons: [error.message] });
    }
    throw withoutKeyId(error);
  }
}

async function deleteResource(id: string, props: Props): Promise<void> {
  const olds = props as KeyOutputs;
  await withCloud(olds, (cloud) => deleteImportedKey(cloud, id, olds));
}

export { deleteResource as delete };

