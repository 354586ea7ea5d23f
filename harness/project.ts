// Reads the few fields of Pulumi.yaml the harness needs (name, main), without a YAML library:
// the project files here are flat `key: value` documents.

import * as fs from 'fs';
import * as path from 'path';

export interface ProjectFile {
  name: string;
  /** The program's entry, relative to the project directory ('.' when Pulumi.yaml has no `main`). */
  main: string;
}

export function readProjectFile(projectDir: string): ProjectFile {
  const file = path.join(projectDir, 'Pulumi.yaml');
  if (!fs.existsSync(file)) throw new Error(`no Pulumi.yaml in ${projectDir}`);
  const text = fs.readFileSync(file, 'utf8');
  const top = (key: string) => {
    const m = new RegExp(`^${key}:[ \\t]*(.+?)[ \\t]*$`, 'm').exec(text);
    return m ? m[1].replace(/^["']|["']$/g, '') : undefined;
  };
  const name = top('name');
  if (!name) throw new Error(`${file} has no top-level "name"`);
  return { name, main: top('main') ?? '.' };
}

/**
 * Where the program runs, as the CLI decides it (pulumi's getPwdMain): a `main` directory becomes the
 * working directory of the program and of the provider plugins; a `main` file runs from its folder.
 */
export function programLocation(projectDir: string, main: string): { pwd: string; main: string } {
  const target = path.resolve(projectDir, main);
  if (fs.statSync(target).isDirectory()) return { pwd: target, main: '.' };
  return { pwd: path.dirname(target), main: path.basename(target) };
}
