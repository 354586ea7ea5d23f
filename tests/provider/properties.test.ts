// The properties table (provider/properties.ts): what it says agrees with the README's tables and the cloud profiles,
// and the lists derived from it are the ones check, lifecycle and the SDK worked with when they were written by hand.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CLOUD_NAMES, findCloudProfile } from '../../provider/clouds';
import type { CloudProfile } from '../../provider/clouds/adapter';
import { DECLARED_OUTPUTS, findProperty, PROPERTIES, SECRET_OUTPUTS, select, type Property } from '../../provider/properties';

const ROOT = path.resolve(__dirname, '../..');

/** The rows of the markdown table under `## <heading>`, as header → cell. */
function readmeTable(heading: string): Record<string, string>[] {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf(`\n## ${heading}\n`);
  assert.ok(start >= 0, `README has a "## ${heading}" section`);
  const end = readme.indexOf('\n## ', start + 1);
  const lines = readme.slice(start, end < 0 ? undefined : end).split('\n').filter((line) => line.startsWith('|'));
  const cells = (line: string) => line.slice(1, line.lastIndexOf('|')).split(' | ').map((cell) => cell.trim());
  const header = cells(lines[0]);
  return lines.slice(2).map((line) => {
    const row = cells(line);
    assert.equal(row.length, header.length, `a README row of ${header.length} cells: ${line}`);
    return Object.fromEntries(header.map((name, i) => [name, row[i]]));
  });
}

/** The names a row's first cell lists: `a`, `b`. */
function namesIn(cell: string): string[] {
  return cell.split(',').map((name) => /^`([^`]+)`$/.exec(name.trim())?.[1] ?? `(not a name: ${name.trim()})`);
}

function cloudsText(property: Property): string {
  return property.clouds === 'all' ? 'all' : property.clouds.join(', ');
}

/** Each README row, once per name it lists. */
function byName(rows: Record<string, string>[], column: string): Map<string, Record<string, string>> {
  const named = new Map<string, Record<string, string>>();
  for (const row of rows) for (const name of namesIn(row[column])) named.set(name, row);
  return named;
}

describe('properties: the README agrees with the table', () => {
  it('## Arguments lists every argument users give, with its clouds, default and what a change means', () => {
    const rows = byName(readmeTable('Arguments'), 'argument');
    assert.deepEqual([...rows.keys()].sort(), [...select({ argument: true, internal: undefined })].sort());
    for (const [name, row] of rows) {
      const property = findProperty(name)!;
      assert.equal(row.clouds, cloudsText(property), `${name}: clouds`);
      assert.equal(row.default, property.default, `${name}: default`);
      assert.equal(row['a change'], property.change, `${name}: a change`);
    }
  });

  it('## Outputs lists the outputs the ImportedKey class declares, with their clouds and which are secret', () => {
    const rows = byName(readmeTable('Outputs'), 'output');
    assert.deepEqual([...rows.keys()].sort(), [...DECLARED_OUTPUTS].sort());
    for (const [name, row] of rows) {
      const property = findProperty(name)!;
      assert.equal(row.clouds, cloudsText(property), `${name}: clouds`);
      assert.equal(row.secret, property.secret ? 'yes' : 'no', `${name}: secret`);
    }
  });
});

describe('properties: the table', () => {
  it("names each cloud-only argument's clouds as the profiles do", () => {
    const having = (has: (profile: CloudProfile) => unknown) => CLOUD_NAMES.filter((name) => has(findCloudProfile(name)!));
    assert.deepEqual(findProperty('projectId')!.clouds, having((p) => p.project));
    assert.deepEqual(findProperty('protectionLevel')!.clouds, having((p) => p.protectionLevels));
    assert.deepEqual(findProperty('tags')!.clouds, having((p) => p.tagLimits));
    assert.deepEqual(findProperty('onMaterialChange')!.clouds, having((p) => p.materialRotation));
    assert.deepEqual(findProperty('previousKeyMaterials')!.clouds, having((p) => p.materialRotation));
    for (const property of PROPERTIES) {
      if (property.clouds !== 'all') for (const cloud of property.clouds) assert.ok(CLOUD_NAMES.includes(cloud), `${property.name}: ${cloud}`);
    }
  });

  it('gives the lists check, lifecycle and the SDK class used to write by hand, in their order (messages print them)', () => {
    assert.deepEqual(select({ argument: true, internal: undefined }), [
      'cloud', 'region', 'endpoint', 'projectId', 'keyId', 'description', 'alias', 'tags', 'keySpec', 'keyUsage', 'protectionLevel',
      'keyMaterial', 'onMaterialChange', 'previousKeyMaterials', 'wrappingAlgorithm', 'wrappingKeySpec', 'expiresAt', 'expiresIn', 'renewBefore', 'onDelete', 'deletionWindowInDays', 'enabled',
    ]);
    assert.deepEqual(select({ argument: true, internal: 'sdk' }), ['resourceName', 'stackScope', '__provider']);
    assert.deepEqual(select({ internal: 'provider' }), ['aliasDerived', 'materialDigests']);
    assert.deepEqual(select({ createOnly: true }), ['description', 'alias', 'tags', 'keyUsage', 'protectionLevel']);
    assert.deepEqual(select({ change: 'replace', place: true }), ['cloud', 'region', 'projectId']);
    assert.deepEqual(select({ place: true }), ['cloud', 'region', 'endpoint', 'projectId']);
    assert.deepEqual(select({ change: 'replace', cloudDefault: true }), ['keySpec', 'keyUsage', 'protectionLevel']);
    assert.deepEqual(select({ change: 'reimport' }), ['expiresAt', 'expiresIn', 'renewBefore']);
    assert.deepEqual(select({ change: 'local' }), ['endpoint', 'onMaterialChange', 'wrappingAlgorithm', 'wrappingKeySpec', 'onDelete', 'deletionWindowInDays']);
    assert.deepEqual(select({ change: 'rotate' }), ['keyMaterial']);
    assert.deepEqual(select({ change: 'kept' }), ['previousKeyMaterials']);
    assert.deepEqual(select({ change: 'update' }), ['enabled']);
    assert.deepEqual([...DECLARED_OUTPUTS].sort(), [
      'alias', 'keyId', 'arn', 'keyState', 'origin', 'keySpec', 'keyUsage', 'protectionLevel', 'expirationModel', 'validTo', 'keyMaterialId', 'materialDigest',
      'currentKeyMaterialId', 'keyMaterials',
    ].sort());
    // Declared or not, the digests are secret in the state (the engine marks any output named in additionalSecretOutputs).
    assert.deepEqual(SECRET_OUTPUTS, ['materialDigest', 'materialDigests']);
  });

  it('never records the key material, and keeps it secret', () => {
    const material = findProperty('keyMaterial')!;
    assert.equal(material.output, undefined);
    assert.equal(material.secret, true);
    assert.deepEqual(PROPERTIES.filter((p) => p.secret).map((p) => p.name), ['keyMaterial', 'previousKeyMaterials', 'materialDigest', 'materialDigests']);
    assert.equal(findProperty('previousKeyMaterials')!.output, undefined);
  });

  it('a name once, each row consistent: create-only and cloud defaults are replacements, outputs are not arguments', () => {
    const names = PROPERTIES.map((p) => p.name);
    assert.equal(new Set(names).size, names.length);
    for (const p of PROPERTIES) {
      if (p.createOnly || p.cloudDefault) assert.equal(p.change, 'replace', p.name);
      assert.equal(p.change === 'output', !p.argument, p.name);
      assert.ok(p.doc.length > 0 && !p.doc.includes('\n'), `${p.name}: a one-line doc`);
    }
  });

  it('is plain data: it imports nothing, so the SDK loads no cloud SDK with it', () => {
    const source = readFileSync(path.join(ROOT, 'provider/properties.ts'), 'utf8');
    assert.doesNotMatch(source, /^\s*import\s|\brequire\(/m);
  });
});
