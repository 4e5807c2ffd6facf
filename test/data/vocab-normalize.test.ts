import { describe, expect, it } from 'vitest';
import { applyZScore, fitZScore, invertZScore } from '../../src/data/normalize.ts';
import { buildVocabulary, decodeIds, encodeText, tokenize } from '../../src/data/vocab.ts';

describe('vocabulary', () => {
  it('puts specials first, then tokens by frequency with alphabetical ties', () => {
    const v = buildVocabulary(['abba', 'cab'], { tokenize: 'chars', lowercase: true });
    expect(v.tokens).toEqual(['<pad>', '<unk>', 'a', 'b', 'c']);
    expect(encodeText(v, 'Abcz')).toEqual([2, 3, 4, 1]);
    expect(decodeIds(v, [2, 3, 0, 0])).toBe('ab');
  });
  it('caps the size, maps the rest to <unk>, appends <eos> within maxLength', () => {
    const v = buildVocabulary(['n ow', 'n ay t'], { tokenize: 'words', lowercase: false, specials: ['<pad>', '<sos>', '<eos>', '<unk>'], maxSize: 6 });
    expect(v.tokens).toEqual(['<pad>', '<sos>', '<eos>', '<unk>', 'n', 'ay']);
    expect(encodeText(v, 'n ow t', { eos: true })).toEqual([4, 3, 3, 2]);
    expect(encodeText(v, 'n ow t', { eos: true, maxLength: 2 })).toEqual([4, 2]);
    expect(decodeIds(v, [4, 5, 2, 4])).toBe('n ay');
  });
  it('splits words from punctuation', () => {
    expect(tokenize("Don't stop, FREE!", 'words', true)).toEqual(["don't", 'stop', ',', 'free', '!']);
  });
});

describe('z-score', () => {
  it('fits per interleaved channel, keeps constant channels finite, and inverts', () => {
    const z = fitZScore([[1, 5, 3, 5]], 2);
    expect(z.mean).toEqual([2, 5]);
    expect(z.std).toEqual([1, 1]);
    const a = applyZScore(z, Float32Array.of(3, 5));
    expect([...a]).toEqual([1, 0]);
    expect([...invertZScore(z, a)]).toEqual([3, 5]);
  });
});
