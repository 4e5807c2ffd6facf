// Every built-in function, by name.
import type { BuiltinDef } from './builtin.ts';
import { ELEMENTWISE } from './elementwise.ts';
import { LOSSES } from './losses.ts';
import { POOLS } from './pool.ts';
import { REDUCE } from './reduce.ts';
import { RESHAPE } from './reshape.ts';
import { TIME } from './time.ts';

export const BUILTINS: ReadonlyMap<string, BuiltinDef> = new Map(
  [...ELEMENTWISE, ...TIME, ...RESHAPE, ...POOLS, ...REDUCE, ...LOSSES].map((b) => [b.name, b]),
);
