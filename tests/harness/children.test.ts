// The harness's safety net: children it tracks die with the test process.

import * as assert from 'assert';
import { execFile } from 'child_process';
import * as path from 'path';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('engine harness child processes', () => {
  it('kills a tracked child when the parent process exits', async () => {
    const script = `
      const { spawn } = require('child_process');
      const { track } = require(${JSON.stringify(path.join(__dirname, '..', '..', 'harness', 'children.ts'))});
      const child = track(spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' }));
      console.log(child.pid);
      setTimeout(() => process.exit(0), 200);
    `;
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], { cwd: path.resolve(__dirname, '..', '..') }, (err, out) =>
        err ? reject(err) : resolve(out),
      ),
    );
    const pid = Number(stdout.trim());
    assert.ok(Number.isInteger(pid) && pid > 0, `child pid printed: ${stdout}`);
    const deadline = Date.now() + 3000;
    while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.ok(!alive(pid), `child ${pid} outlived its parent`);
  });
});
