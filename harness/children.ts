// Child processes the harness started and has not seen exit: killed if this process exits first
// (e.g. mocha --exit after a timed-out test), so no host or program outlives the test run.

import type { ChildProcess } from 'child_process';

const live = new Set<ChildProcess>();

process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export function track<T extends ChildProcess>(child: T): T {
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}
