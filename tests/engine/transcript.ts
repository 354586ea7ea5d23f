// Everything a run printed or logged, as one string, so tests can search it (e.g. for key material).

import type { RunResult } from './engine';

export function transcript(result: Pick<RunResult, 'diagnostics' | 'error'>): string {
  const lines = result.diagnostics.map((d) => `[${d.source}:${d.severity}] ${d.message}`);
  if (result.error) lines.push(`[result] ${result.error}`);
  return lines.join('\n');
}
