// Everything a run printed or logged, as one string, so tests can search it (e.g. for key material).

import type { RunResult } from './engine';

export function transcript(result: Pick<RunResult, 'diagnostics' | 'error'> & { cliOutput?: string }): string {
  const lines = result.diagnostics.map((d) => `[${d.source}:${d.severity}] ${d.message}`);
  // A run through the real CLI: everything it printed.
  if (result.cliOutput) lines.push(result.cliOutput);
  if (result.error) lines.push(`[result] ${result.error}`);
  return lines.join('\n');
}
