// Test-only: the emulator's credentials in the AWS SDK's default chain (environment), restored after.
import { EMULATOR_CREDENTIALS } from './emulator';

const NAMES = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_REGION'] as const;

export function useAwsEnvironment(): void {
  const saved: Record<string, string | undefined> = {};
  before(() => {
    for (const name of NAMES) saved[name] = process.env[name];
    process.env.AWS_ACCESS_KEY_ID = EMULATOR_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = EMULATOR_CREDENTIALS.secretAccessKey;
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;
  });
  after(() => {
    for (const name of NAMES) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });
}
