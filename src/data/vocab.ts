// Tokeniser and vocabulary for text inputs. Ids: the specials first (the first is padding, id 0, which
// embeddings declare as padding_idx), then tokens by falling training frequency (ties alphabetical, so the
// same data gives the same ids). Unknown tokens map to '<unk>' when it is a special, else are dropped.

export interface Vocabulary {
  readonly tokenize: 'chars' | 'words';
  readonly lowercase: boolean;
  /** Token of each id. */
  readonly tokens: readonly string[];
}

export const DEFAULT_SPECIALS = ['<pad>', '<unk>'] as const;

export function tokenize(text: string, how: 'chars' | 'words', lowercase: boolean): string[] {
  const s = lowercase ? text.toLowerCase() : text;
  if (how === 'chars') return [...s];
  return s.match(/[\p{L}\p{N}']+|[^\s\p{L}\p{N}']/gu) ?? [];
}

export function buildVocabulary(
  texts: Iterable<string>, opts: { tokenize: 'chars' | 'words'; lowercase: boolean; specials?: readonly string[]; maxSize?: number },
): Vocabulary {
  const counts = new Map<string, number>();
  for (const t of texts) for (const tok of tokenize(t, opts.tokenize, opts.lowercase)) counts.set(tok, (counts.get(tok) ?? 0) + 1);
  const specials = [...(opts.specials ?? DEFAULT_SPECIALS)];
  const ranked = [...counts].filter(([tok]) => !specials.includes(tok))
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([tok]) => tok);
  const room = opts.maxSize === undefined ? ranked.length : Math.max(0, opts.maxSize - specials.length);
  return { tokenize: opts.tokenize, lowercase: opts.lowercase, tokens: [...specials, ...ranked.slice(0, room)] };
}

/** Token ids of a text (optionally ending with '<eos>', truncated to maxLength including it). */
export function encodeText(v: Vocabulary, text: string, opts: { eos?: boolean; maxLength?: number } = {}): number[] {
  const index = indexOf(v);
  const unk = index.get('<unk>');
  const ids: number[] = [];
  for (const tok of tokenize(text, v.tokenize, v.lowercase)) {
    const id = index.get(tok) ?? unk;
    if (id !== undefined) ids.push(id);
  }
  const eos = opts.eos ? index.get('<eos>') : undefined;
  if (opts.eos && eos === undefined) throw new Error("text input with eos: the vocabulary's specials need '<eos>'");
  const room = opts.maxLength === undefined ? ids.length : opts.maxLength - (eos === undefined ? 0 : 1);
  const out = ids.slice(0, Math.max(0, room));
  if (eos !== undefined) out.push(eos);
  return out;
}

/** Text of token ids, stopping at '<eos>' and skipping padding. */
export function decodeIds(v: Vocabulary, ids: ArrayLike<number>): string {
  const parts: string[] = [];
  for (let i = 0; i < ids.length; i++) {
    const tok = v.tokens[ids[i]!] ?? '<unk>';
    if (tok === '<eos>') break;
    if (ids[i] === 0 || tok === '<sos>') continue;
    parts.push(tok);
  }
  return parts.join(v.tokenize === 'chars' ? '' : ' ');
}

const cache = new WeakMap<Vocabulary, Map<string, number>>();
function indexOf(v: Vocabulary): Map<string, number> {
  let m = cache.get(v);
  if (!m) cache.set(v, m = new Map(v.tokens.map((t, i) => [t, i])));
  return m;
}
