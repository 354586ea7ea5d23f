// Property values as the engine sees them: JSON from google.protobuf.Struct, with the SDK's
// sentinels for secrets and unknowns. Pure helpers, no I/O.

/** The key and value that mark a secret (or a resource reference etc.) in a serialized property. */
export const SPECIAL_SIG_KEY = '4dabf18193072939515e22adb298388d';
export const SECRET_SIG = '1b47061264138c4ac30d75fd1eb44270';
/** The string the SDK sends for a value not known during preview. */
export const UNKNOWN = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';
/** The key a dynamic resource stores its serialized provider under. */
export const PROVIDER_KEY = '__provider';

export type PropertyValue = null | boolean | number | string | PropertyValue[] | { [key: string]: PropertyValue };
export type PropertyMap = Record<string, PropertyValue>;

export function isObject(v: unknown): v is Record<string, PropertyValue> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A secret as the SDK serializes it: `{sig: SECRET_SIG, value}`. */
export function isSecret(v: unknown): v is { value: PropertyValue } {
  return isObject(v) && v[SPECIAL_SIG_KEY] === SECRET_SIG && 'value' in v;
}

export function makeSecret(value: PropertyValue): PropertyValue {
  return isSecret(value) ? value : { [SPECIAL_SIG_KEY]: SECRET_SIG, value };
}

export function containsSecrets(v: unknown): boolean {
  if (isSecret(v)) return true;
  if (Array.isArray(v)) return v.some(containsSecrets);
  if (isObject(v)) return Object.values(v).some(containsSecrets);
  return false;
}

/** Removes secret wrappers, keeping the values: what the engine sends to a provider that does not accept secrets. */
export function stripSecrets<T extends PropertyValue | undefined>(v: T): T {
  if (isSecret(v)) return stripSecrets(v.value) as T;
  if (Array.isArray(v)) return v.map((x) => stripSecrets(x)) as T;
  if (isObject(v)) {
    const out: PropertyMap = {};
    for (const [k, x] of Object.entries(v)) out[k] = stripSecrets(x);
    return out as T;
  }
  return v;
}

/**
 * Re-marks as secret each top-level output whose same-named input held a secret, as the engine does
 * for providers that do not accept secrets (pulumi's plugin.annotateSecrets; the harness applies it
 * to the whole value rather than recursing into objects — a simplification, said here).
 */
export function annotateSecrets(outputs: PropertyMap, inputs: PropertyMap | undefined): PropertyMap {
  if (!inputs) return outputs;
  const out: PropertyMap = { ...outputs };
  for (const [k, v] of Object.entries(inputs)) {
    if (k in out && containsSecrets(v) && !containsSecrets(out[k])) out[k] = makeSecret(out[k]);
  }
  return out;
}

/** Marks the named top-level outputs secret (the `additionalSecretOutputs` resource option). */
export function markSecretOutputs(outputs: PropertyMap, names: readonly string[]): PropertyMap {
  const out: PropertyMap = { ...outputs };
  for (const name of names) if (name in out && !isSecret(out[name])) out[name] = makeSecret(out[name]);
  return out;
}

export function containsUnknowns(v: unknown): boolean {
  if (v === UNKNOWN) return true;
  if (Array.isArray(v)) return v.some(containsUnknowns);
  if (isObject(v)) return Object.values(v).some(containsUnknowns);
  return false;
}

/** Stable JSON (sorted keys) so two property maps compare by value. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isObject(v)) {
    return `{${Object.keys(v)
      .sort()
      .filter((k) => v[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** Top-level keys whose values differ (secrets compared by value), ignoring `__provider`. */
export function changedKeys(olds: PropertyMap, news: PropertyMap): string[] {
  const keys = new Set([...Object.keys(olds), ...Object.keys(news)]);
  keys.delete(PROVIDER_KEY);
  return [...keys].filter((k) => canonical(stripSecrets(olds[k])) !== canonical(stripSecrets(news[k]))).sort();
}

export function withoutProvider(props: PropertyMap): PropertyMap {
  const { [PROVIDER_KEY]: _ignored, ...rest } = props;
  return rest;
}

/** Replaces every secret with "[secret]", for printing. */
export function maskSecrets<T extends PropertyValue | undefined>(v: T): T {
  if (isSecret(v)) return '[secret]' as T;
  if (Array.isArray(v)) return v.map((x) => maskSecrets(x)) as T;
  if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, maskSecrets(x)])) as T;
  return v;
}
