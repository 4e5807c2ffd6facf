// Values published elsewhere, produced by PyTorch or taken from standard tables.
import { describe, expect, it } from 'vitest';
import { erf, erfc, normalCdf } from '../../src/reference/math/erf.ts';
import { ModelBuilder } from './builder.ts';
import { expectClose, f, out, run } from './helpers.ts';

describe('published reference values', () => {
  it('nn.LSTM (burn\'s module_lstm test: "known values sourced from PyTorch LSTM with zero-init state")', () => {
    // tracel-ai/burn, burn-tensor tests, module lstm: seq-first input [2, 4, 3], hidden 2, weight_ih [8, 3], weight_hh [8, 2],
    // summed bias [0, 0, 1, 1, 0, 0, 0, 0] (forget gate 1). Values printed to 4 decimals, so the tolerance is 1.5e-4.
    const X = [
      [[6.1599e-2, 1.4434e-1, 5.0515e-1], [4.5327e-1, 9.6461e-2, 9.4723e-1], [6.5902e-1, 8.3846e-1, 8.5444e-1], [7.3353e-1, 7.8060e-1, 2.7181e-1]],
      [[4.5411e-1, 7.2665e-1, 4.0610e-1], [2.4880e-4, 2.0886e-1, 5.9652e-1], [4.7231e-1, 2.0873e-1, 8.2748e-1], [3.4535e-2, 8.7611e-2, 8.1984e-1]],
    ];
    const wih = [0.5515, -1.0005, -0.9981, -0.3744, -0.6567, -0.8902, -0.7804, 0.5981, -0.9637, 0.9862, -0.1910, 0.1298,
      -0.5881, -0.6989, 0.5698, -0.5157, -0.5139, 0.8493, 0.3309, -0.5226, -0.1362, 0.3765, 0.5327, 0.7626];
    const whh = [-0.4148, -0.1351, 0.2090, 0.4742, -0.6913, 0.0456, 0.2024, 0.6486, 0.1362, -0.0956, 0.3370, -0.3085, -0.2517, 0.0471, -0.2644, 0.4771];
    const OUT = [
      [[0.0246, 0.0696], [0.0311, 0.0872], [-0.0393, -0.0062], [-0.1026, -0.0929]],
      [[-0.0465, 0.0120], [0.0436, 0.1391], [-0.0161, 0.0557], [-0.01095, 0.0446]],
    ];
    const CELL = [[-0.1090, 0.0169], [0.0968, 0.2190], [-0.0332, 0.0779], [-0.0234, 0.0676]];
    const b = new ModelBuilder().recurrentParams('l', 'lstm', 3, 2);
    const x = b.input('x', 'f32', [4, 2, 3]);
    const y = b.f([4, 2, 2]);
    const hN = b.f([1, 4, 2]);
    const cN = b.f([1, 4, 2]);
    const m = b.node({ op: 'recurrent', layer: 'l', cell: 'lstm', nonlinearity: 'tanh', hidden: 2, layers: 1, bidirectional: false, dropout: 0,
      returnSequences: true, x, y, hN, cN }).output('y', y).output('hN', hN).output('cN', cN).build();
    // Ours is batch first: x[b, t] = X[t][b].
    const xb = [0, 1, 2, 3].flatMap((bi) => [0, 1].flatMap((t) => X[t]![bi]!));
    const ev = run(m, { 'l.weight_ih_l0': wih, 'l.weight_hh_l0': whh, 'l.bias_ih_l0': [0, 0, 1, 1, 0, 0, 0, 0], 'l.bias_hh_l0': Array(8).fill(0) },
      { x: f([4, 2, 3], xb) });
    expectClose(out(ev, 'y'), [0, 1, 2, 3].flatMap((bi) => [0, 1].flatMap((t) => OUT[t]![bi]!)), 1.5e-4);
    expectClose(out(ev, 'hN'), OUT[1]!.flat(), 1.5e-4);
    expectClose(out(ev, 'cN'), CELL.flat(), 1.5e-4);
  });

  it('nn.GRUCell (Arraymancer tests/nn_primitives/references/test_nnp_gru_cell.py, PyTorch output in its comment)', () => {
    // weight_ih [6, 4], weight_hh [6, 2], bias_ih = [.1 … .6], bias_hh = −bias_ih, h = −1; printed to 4 decimals.
    const b = new ModelBuilder().recurrentParams('g', 'gru', 4, 2);
    const x = b.input('x', 'f32', [3, 1, 4]);
    const h0 = b.input('h0', 'f32', [1, 3, 2]);
    const y = b.f([3, 2]);
    const m = b.node({ op: 'recurrent', layer: 'g', cell: 'gru', nonlinearity: 'tanh', hidden: 2, layers: 1, bidirectional: false, dropout: 0,
      returnSequences: false, x, h0, y }).output('y', y).build();
    const ev = run(m, {
      'g.weight_ih_l0': [0.9, 0.8, 0.7, 0.6, 0.8, 0.7, 0.6, 0.5, 0.7, 0.6, 0.5, 0.4, 0.6, 0.5, 0.4, 0.3, 0.5, 0.4, 0.3, 0.2, 0.4, 0.3, 0.2, 0.1],
      'g.weight_hh_l0': [-0.3, -0.1, -0.2, 0.0, -0.3, -0.1, -0.2, 0.0, -0.3, -0.1, -0.2, 0.0],
      'g.bias_ih_l0': [0.1, 0.2, 0.3, 0.4, 0.5, 0.6], 'g.bias_hh_l0': [-0.1, -0.2, -0.3, -0.4, -0.5, -0.6],
    }, { x: f([3, 1, 4], [0.1, 0.2, 0.3, 0.4, -0.1, -0.2, -0.3, -0.4, 0.5, 0.6, 0.7, 0.8]), h0: f([1, 3, 2], [-1, -1, -1, -1, -1, -1]) });
    expectClose(out(ev, 'y'), [-0.5317, -0.4753, -0.3930, -0.3210, -0.7325, -0.6430], 5e-5);
  });

  it('erf and erfc against Abramowitz & Stegun table 7.1 (and GELU = x·Φ(x), PyTorch\'s exact form)', () => {
    // A&S 7.1: erf(.5) = .5204998778, erf(1) = .8427007929, erf(2) = .9953222650; erfc(3) = 2.209049700e−5;
    // erfc(5) = 1.537459794e−12. Full double values from a correctly rounded libm; we promise a few ulps (1e−15).
    expectClose([erf(0.5), erf(1), erf(2), erf(3)], [0.5204998778130465, 0.8427007929497149, 0.9953222650189527, 0.9999779095030014], 1e-15);
    expect(Math.abs(erfc(3) / 2.2090496998585438e-5 - 1)).toBeLessThan(1e-14);
    expect(Math.abs(erfc(5) / 1.5374597944280351e-12 - 1)).toBeLessThan(1e-14);
    expectClose([erf(-1), erfc(-2), erf(0)], [-0.8427007929497149, 1.9953222650189528, 0], 1e-15);
    // Φ(1) = .8413447460685429: GELU(1) = Φ(1), GELU(−1) = −Φ(−1) = −.15865525393145707, GELU(2) = 1.9544997361036416
    const gelu = (v: number): number => v * normalCdf(v);
    expectClose([gelu(1), gelu(-1), gelu(2)], [0.8413447460685429, -0.15865525393145707, 1.9544997361036416], 1e-15);
    // Odd symmetry, monotone, bounded, across the switch point |x| = 3.
    for (let v = -6; v <= 6; v += 0.01) {
      expect(erf(-v)).toBe(-erf(v));
      expect(Math.abs(erf(v + 0.01))).toBeLessThanOrEqual(1);
      expect(erf(v + 0.01)).toBeGreaterThanOrEqual(erf(v));
    }
  });
});
