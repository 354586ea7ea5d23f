// The SDK class under pulumi.runtime.setMocks: what the real dynamic.Resource registers.
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import * as pulumi from '@pulumi/pulumi';
import { DECLARED_OUTPUTS } from '../../provider/properties';
import type { ImportedKey as ImportedKeyClass } from '../../sdk';

const SECRET_SIG = '4dabf18193072939515e22adb298388d';

interface Registration {
  type: string;
  name: string;
  inputs: Record<string, any>;
}

describe('ImportedKey (SDK) under pulumi mocks', function () {
  const registrations: Registration[] = [];
  let ImportedKey: typeof import('../../sdk').ImportedKey;
  const savedSecret = process.env.AWS_SECRET_ACCESS_KEY;

  before(async () => {
    process.env.AWS_SECRET_ACCESS_KEY = 'credential-that-must-not-be-captured';
    process.env.PULUMI_CONFIG = JSON.stringify({ 'aws:region': 'eu-central-1' });
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          registrations.push({ type: args.type, name: args.name, inputs: args.inputs });
          return { id: 'key-1', state: { ...args.inputs, keyId: 'key-1', keyState: 'Enabled', materialDigest: 'hmac-sha256:00:00' } };
        },
        call: () => ({}),
      },
      'sdk-test',
      'dev',
      false,
    );
    ({ ImportedKey } = await import('../../sdk'));
  });
  after(() => {
    if (savedSecret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
    else process.env.AWS_SECRET_ACCESS_KEY = savedSecret;
    delete process.env.PULUMI_CONFIG;
  });

  function output<T>(o: pulumi.Output<T>): Promise<{ value: T; secret: boolean }> {
    return new Promise((resolve) => {
      pulumi.all([o, pulumi.isSecret(o)]).apply(([value, secret]) => resolve({ value: value as T, secret }));
    });
  }

  // materialDigest's secrecy is the engine's job (additionalSecretOutputs): tests/sdk/aws-scenarios checks it in the state.
  it('marks keyMaterial secret even when passed as a plain string', async () => {
    const material = randomBytes(32).toString('base64');
    const key = new ImportedKey('plain', { cloud: 'aws', keyMaterial: material });
    const keyId = await output(key.keyId);
    assert.equal(keyId.value, 'key-1');
    const registered = registrations.find((r) => r.name === 'plain')!;
    assert.ok(registered, 'registered');
    const inputs = registered.inputs;
    assert.equal(isSecretValue(inputs.keyMaterial), true, 'registered as a secret');
  });

  it('declares every output, resolved from the engine state', async () => {
    const key = new ImportedKey('outputs', { cloud: 'aws', keyMaterial: randomBytes(32).toString('base64') });
    assert.equal((await output(key.keyState)).value, 'Enabled');
    for (const name of ['keyId', 'arn', 'keyState', 'origin', 'keySpec', 'keyUsage', 'protectionLevel', 'expirationModel', 'validTo', 'keyMaterialId', 'materialDigest', 'currentKeyMaterialId', 'keyMaterials']) {
      assert.ok(pulumi.Output.isInstance((key as any)[name]), name);
    }
  });

  it("passes the properties table's outputs to the engine, and declares exactly those (besides id and urn)", async () => {
    const key = new ImportedKey('table-outputs', { cloud: 'aws', keyMaterial: randomBytes(32).toString('base64') });
    // An output not passed (as undefined) would not be on the object: `declare` emits nothing.
    for (const name of DECLARED_OUTPUTS) assert.ok(pulumi.Output.isInstance((key as unknown as Record<string, unknown>)[name]), name);
    // The `declare` lines, at compile time: a declared output missing from the table, or one of the table's not
    // declared, fails to compile.
    const declaredAreTheTable: Exactly<DeclaredOutput, (typeof DECLARED_OUTPUTS)[number]> = true;
    assert.ok(declaredAreTheTable);
  });

  it('refuses a second ImportedKey asking for the same alias in the same place; another region or an adopted key is fine', () => {
    const material = () => randomBytes(32).toString('base64');
    new ImportedKey('first-alias', { cloud: 'aws', region: 'us-east-1', alias: 'alias/shared', keyMaterial: material() });
    assert.throws(
      () => new ImportedKey('second-alias', { cloud: 'aws', region: 'us-east-1', alias: 'alias/shared', keyMaterial: material() }),
      /ImportedKey second-alias: alias "alias\/shared" is already asked for by ImportedKey first-alias in this program \(aws us-east-1\)/,
    );
    new ImportedKey('other-region', { cloud: 'aws', region: 'eu-west-1', alias: 'alias/shared', keyMaterial: material() });
    new ImportedKey('adopting', { cloud: 'aws', region: 'us-east-1', alias: 'alias/shared', keyId: 'k', keyMaterial: material() });
  });

  it('records the stack region (aws:region) when the argument is left out', async () => {
    new ImportedKey('region', { cloud: 'aws', keyMaterial: randomBytes(32).toString('base64') });
    await waitFor(() => registrations.find((r) => r.name === 'region'));
    assert.equal(registrations.find((r) => r.name === 'region')!.inputs.region, 'eu-central-1');
    new ImportedKey('region-arg', { cloud: 'aws', region: 'us-west-2', keyMaterial: randomBytes(32).toString('base64') });
    await waitFor(() => registrations.find((r) => r.name === 'region-arg'));
    assert.equal(registrations.find((r) => r.name === 'region-arg')!.inputs.region, 'us-west-2');
  });

  it('ImportedKey.get reads an existing key by id (no material needed)', async () => {
    const key = ImportedKey.get('existing', 'key-9', { cloud: 'aws', region: 'us-east-1' });
    const registered = await waitFor(() => registrations.find((r) => r.name === 'existing'));
    assert.equal(registered.inputs.cloud, 'aws');
    assert.equal((await output(key.keyState)).value, 'Enabled');
  });

  it("serializes a provider under 1,850 bytes (most of it is Pulumi's own wrapper of each function) that captures no material and no credential, and loads the installed module", async () => {
    const material = randomBytes(32).toString('base64');
    new ImportedKey('serialized', { cloud: 'aws', keyMaterial: material });
    await waitFor(() => registrations.find((r) => r.name === 'serialized'));
    const text: string = registrations.find((r) => r.name === 'serialized')!.inputs.__provider;
    assert.equal(typeof text, 'string');
    assert.ok(Buffer.byteLength(text) < 1850, `__provider is ${Buffer.byteLength(text)} bytes`);
    assert.ok(!text.includes(material));
    assert.ok(!text.includes(Buffer.from(material, 'base64').toString('hex')));
    assert.ok(!text.includes('credential-that-must-not-be-captured'));
    // In this repo the module is found by a path relative to the program directory (installed: by package name).
    assert.match(text, /require\(/);
    assert.match(text, /"\.\/sdk\/ts-provider\.js"/);
  });

  it('the serialized provider, loaded as the host loads it, reaches the provider module', async () => {
    const text: string = registrations.find((r) => r.name === 'serialized')!.inputs.__provider;
    const requireFromString = require('require-from-string');
    const handler = requireFromString(text).handler();
    const result = await handler.check({}, { cloud: 'aws', keyMaterial: 'AAA', deletionWindowInDays: 99 });
    // keyMaterial's failure carries no property (the engine would print the value) but its reason names it.
    const named = result.failures.map((f: { property: string; reason: string }) => f.property || f.reason.split(' ')[0]).sort();
    assert.deepEqual(named, ['deletionWindowInDays', 'keyMaterial']);
    assert.equal(result.failures.find((f: { reason: string }) => f.reason.startsWith('keyMaterial')).property, '');
  });
});

/** The class's own Output properties (not the base class's id and urn). */
type DeclaredOutput = Exclude<{ [K in keyof ImportedKeyClass]: ImportedKeyClass[K] extends pulumi.Output<unknown> ? K : never }[keyof ImportedKeyClass], 'id' | 'urn'>;
type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

function isSecretValue(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as Record<string, unknown>)[SECRET_SIG] !== undefined;
}

async function waitFor<T>(probe: () => T | undefined, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
