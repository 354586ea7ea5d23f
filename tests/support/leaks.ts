// Test helper: proves key material appears nowhere, in any of the forms it could leak in.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { reliability } from './reliability';

/** The forms a leak could take: the bytes themselves, base64, base64url (unpadded) and hex (either case). */
export function materialForms(material: Buffer): Buffer[] {
  const text = [material.toString('base64'), material.toString('base64url'), material.toString('hex'), material.toString('hex').toUpperCase()];
  return [material, ...text.map((t) => Buffer.from(t, 'utf8'))];
}

/** Fails naming the place when any material appears in any text or file. */
export function assertNoMaterial(materials: Buffer[], places: { texts?: Record<string, string>; files?: string[] }): number {
  let checks = 0;
  const blobs: Array<[string, Buffer]> = [
    ...Object.entries(places.texts ?? {}).map(([name, text]): [string, Buffer] => [name, Buffer.from(text, 'utf8')]),
    ...(places.files ?? []).map((f): [string, Buffer] => [f, fs.readFileSync(f)]),
  ];
  for (const material of materials) {
    for (const form of materialForms(material)) {
      for (const [name, blob] of blobs) {
        checks++;
        assert.ok(!blob.includes(form), `key material leaked into ${name}`);
      }
    }
  }
  reliability.leakChecks += blobs.length;
  return checks;
}
