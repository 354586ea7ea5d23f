// The provider object Pulumi serializes into `__provider`: under 1.85 KB, capturing one string and no
// material or credentials. Each method require()s the provider module at call time, so refresh and
// destroy run the code installed now, not a snapshot taken at the last `up`.
//
// How the module is found (decision): when the SDK runs from an installed package (a node_modules
// path), by package name — `pulumi-imported-key/dist/provider/provider`, resolved by the host from the
// program directory, so it survives moving the project or re-installing; otherwise (this repo running
// its own programs under ts-node) by a path relative to the program directory, through
// sdk/ts-provider.js, which compiles provider.ts on the fly. There is no `configure`: the SDK records the
// stack's region as an argument instead (keeps this small).

import * as path from 'node:path';
import type * as pulumi from '@pulumi/pulumi';

export const PACKAGE_PROVIDER_MODULE = 'pulumi-imported-key/dist/provider/provider';

/** What the serialized provider require()s: the package module name, or a path relative to `cwd`. */
export function providerModuleReference(cwd: string = process.cwd()): string {
  const file = require.resolve('../provider/provider');
  if (file.split(path.sep).join('/').includes('/node_modules/pulumi-imported-key/')) return PACKAGE_PROVIDER_MODULE;
  const entry = file.endsWith('.ts') ? require.resolve('./ts-provider.js') : file;
  const relative = path.relative(cwd, entry).split(path.sep).join('/');
  return relative.startsWith('.') ? relative : `./${relative}`;
}

/** The serializable provider; `m` is from providerModuleReference(). */
export function makeProviderRef(m: string): pulumi.dynamic.ResourceProvider {
  // Runs in the host, whose cwd is the program directory: the host loads this text as a module with no file name, so
  // a relative `m` resolves against the cwd with a plain require (no path.resolve: every byte here is stored twice per
  // key, in the inputs and the outputs). Pulumi wraps each function in ~165 bytes of its own: one per method plus `l`
  // and the handler is the floor. No comments inside: they would be serialized.
  const l = (): any => require(m);
  return {
    check: (...a: any[]) => l().check(...a),
    diff: (...a: any[]) => l().diff(...a),
    create: (...a: any[]) => l().create(...a),
    read: (...a: any[]) => l().read(...a),
    update: (...a: any[]) => l().update(...a),
    delete: (...a: any[]) => l().delete(...a),
  } as pulumi.dynamic.ResourceProvider;
}
