// Reading Pulumi.yaml and deciding where the program runs, as the CLI does.

import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { programLocation, readProjectFile } from '../../harness/project';

describe('engine harness project files', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'harness-project-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads name and main, main defaulting to the project directory', () => {
    fs.writeFileSync(path.join(dir, 'Pulumi.yaml'), 'name: "demo"\nruntime:\n  name: nodejs\nmain: examples/local/\n');
    assert.deepStrictEqual(readProjectFile(dir), { name: 'demo', main: 'examples/local/' });
    fs.writeFileSync(path.join(dir, 'Pulumi.yaml'), 'name: plain\nruntime: nodejs\n');
    assert.deepStrictEqual(readProjectFile(dir), { name: 'plain', main: '.' });
  });

  it('refuses a project file without a name, and a folder without a project file', () => {
    assert.throws(() => readProjectFile(dir), /no Pulumi\.yaml/);
    fs.writeFileSync(path.join(dir, 'Pulumi.yaml'), 'runtime: nodejs\n');
    assert.throws(() => readProjectFile(dir), /has no top-level "name"/);
  });

  it('runs a main directory from that directory, and a main file from its folder', () => {
    fs.mkdirSync(path.join(dir, 'app'));
    fs.writeFileSync(path.join(dir, 'app', 'main.ts'), '');
    assert.deepStrictEqual(programLocation(dir, 'app/'), { pwd: path.join(dir, 'app'), main: '.' });
    assert.deepStrictEqual(programLocation(dir, 'app/main.ts'), { pwd: path.join(dir, 'app'), main: 'main.ts' });
    assert.deepStrictEqual(programLocation(dir, '.'), { pwd: dir, main: '.' });
  });
});
