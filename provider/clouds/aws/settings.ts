// Where to reach AWS KMS: the region from the argument (or the stack's aws:region, which the provider passes in the same
// field), then AWS_REGION / AWS_DEFAULT_REGION, then the SDK's own chain (profile files, EC2 instance metadata).
// Credentials: always the SDK's default chain (environment, profile, SSO, IMDS) — never arguments, never read here.

import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The environment variables resolveAwsRegion reads, in its order. */
export const AWS_REGION_VARIABLES = ['AWS_REGION', 'AWS_DEFAULT_REGION'] as const;

/** The region the client will use: the argument (or stack's aws:region), then AWS_REGION / AWS_DEFAULT_REGION. */
export function resolveAwsRegion(config: { region?: string }, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return config.region || env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined;
}

/**
 * Where the AWS SDK still finds a region when neither the argument nor AWS_REGION / AWS_DEFAULT_REGION gives one:
 * a `region` line in its shared config or credentials file, else EC2 instance metadata — which only the machine
 * knows, so a missing region is knowable offline only where that lookup is switched off (AWS_EC2_METADATA_DISABLED,
 * any value, as the SDK reads it) and no shared file names a region.
 */
export function awsRegionFoundElsewhere(env: NodeJS.ProcessEnv): boolean {
  if (!env.AWS_EC2_METADATA_DISABLED) return true;
  const home = env.HOME || env.USERPROFILE || homedir();
  const files = [env.AWS_CONFIG_FILE || join(home, '.aws', 'config'), env.AWS_SHARED_CREDENTIALS_FILE || join(home, '.aws', 'credentials')];
  return files.some((file) => {
    try {
      return existsSync(file) && /^[ \t]*region[ \t]*=/m.test(readFileSync(file, 'utf8'));
    } catch {
      return true; // unreadable here: the SDK might read it; do not judge
    }
  });
}
