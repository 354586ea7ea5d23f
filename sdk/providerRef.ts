// The provider object Pulumi serializes into `__provider`: under 2 KB, capturing two strings and no
// material or credentials. Each method require()s the provider module at call time, so refresh and
// destroy run the code installed now, not a snapshot taken at the last `up`.
//
// How the module is found (decision): first the path recorded relative to the program directory
// (the host's cwd) — node_modules/pulumi-imported-key/dist/provider/provider.js for users, or
// ../../sdk/tsProvider.js (compiles provider.ts on the fly) when this repo runs its own examples
// under ts-node — else the package name from that directory, for state moved to another layout.
// There is no `configure`: the SDK records the stack's region as an argument instead (keeps this tiny).

import * as path from 'node:path';
import type * as pulumi from '@pulumi/pulumi';

export const PACKAGE_PROVIDER_MODULE = 'pulumi-imported-key/dist/provider/provider';

/** The provider module's path relative to `cwd` (the program directory the host will run in). */
export function providerModulePath(cwd: string = process.cwd()): string {
  let file = require.resolve('../provider/provider');
  if (file.endsWith('.ts')) file = require.resolve('./tsProvider.js');
  return path.relative(cwd, file).split(path.sep).join('/');
}

/** The serializable provider; `p` is from providerModulePath(), `m` the package's module name. */
export function makeProviderRef(p: string, m: string = PACKAGE_PROVIDER_MODULE): pulumi.dynamic.ResourceProvider {
  // Runs in the host, where `require` resolves from the program directory. No comments inside: they get serialized.
  const l = (): any => {
    const f = require('path').resolve(p);
    return require(require('fs').existsSync(f) ? f : m);
  };
  return {
    check: (...a: any[]) => l().check(...a),
    diff: (...a: any[]) => l().diff(...a),
    create: (...a: any[]) => l().create(...a),
    read: (...a: any[]) => l().read(...a),
    update: (...a: any[]) => l().update(...a),
    delete: (...a: any[]) => l().delete(...a),
  } as pulumi.dynamic.ResourceProvider;
}
