// The environment variables a cloud's settings fall back to: the first of a list that is set and not empty.

export function firstOf(env: NodeJS.ProcessEnv, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value !== '') return value;
  }
  return undefined;
}
