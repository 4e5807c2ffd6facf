import { describe, expect, it } from 'vitest';
import type { AssignStmt, Expr, InputStmt, LayerStmt, OutputStmt, Span, TrainStmt } from '../../compiler/syntax/ast.ts';
import { parse } from '../../compiler/syntax/parse.ts';

const src = `# a comment
model demo {
  input x: f32[batch, time, 3]   # trailing comment
  layer enc = lstm(hidden=8, bidirectional=true)
  y, h_n = enc(x, lengths=len)
  z = -2 * a + b / (c - 1e-3)
  output probs = softmax(z)
  loss = mse(z, y)
  train { optimizer = adam(lr=0.01) seed = 3 }
}
model second { output q }
`;

const text = (s: Span): string => src.slice(s.start, s.end);

describe('parse', () => {
  const r = parse(src);
  const file = r.syntax!;
  const stmts = file.models[0]!.stmts;

  it('parses a file with two models', () => {
    expect(r.diagnostics).toEqual([]);
    expect(file.models.map((m) => m.name.name)).toEqual(['demo', 'second']);
    expect(text(file.models[1]!.span)).toBe('model second { output q }');
  });

  it('keeps spans of statements, names and dims (comments and spaces excluded)', () => {
    const input = stmts[0] as InputStmt;
    expect(text(input.span)).toBe('input x: f32[batch, time, 3]');
    expect(text(input.name.span)).toBe('x');
    expect(text(input.dtype.span)).toBe('f32');
    expect(input.dims.map((d) => (d.kind === 'int' ? d.value : d.name))).toEqual(['batch', 'time', 3]);
    expect(text(input.dims[2]!.span)).toBe('3');
  });

  it('parses layer declarations as calls with named options', () => {
    const layer = stmts[1] as LayerStmt;
    expect(layer.name.name).toBe('enc');
    expect(layer.call.callee.name).toBe('lstm');
    expect(layer.call.args.map((a) => [a.name?.name, text(a.value.span)])).toEqual([['hidden', '8'], ['bidirectional', 'true']]);
    expect(text(layer.call.span)).toBe('lstm(hidden=8, bidirectional=true)');
  });

  it('parses destructuring with positional and named arguments', () => {
    const a = stmts[2] as AssignStmt;
    expect(a.targets.map((t) => t.name)).toEqual(['y', 'h_n']);
    expect(a.value.kind).toBe('call');
    if (a.value.kind !== 'call') return;
    expect(a.value.args.map((x) => x.name?.name ?? null)).toEqual([null, 'lengths']);
    expect(text(a.value.args[1]!.span)).toBe('lengths=len');
  });

  it('gives arithmetic the usual precedence and folds negative literals', () => {
    const e = (stmts[3] as AssignStmt).value;
    const show = (x: Expr): string => {
      switch (x.kind) {
        case 'binary': return `(${show(x.left)} ${x.op} ${show(x.right)})`;
        case 'number': return x.text;
        case 'name': return x.name;
        case 'neg': return `-${show(x.operand)}`;
        default: return '?';
      }
    };
    expect(show(e)).toBe('((-2 * a) + (b / (c - 1e-3)))');
    expect(text(e.span)).toBe('-2 * a + b / (c - 1e-3)');
    if (e.kind !== 'binary') return;
    expect(text(e.opSpan)).toBe('+');
  });

  it('marks integer literals', () => {
    const e = (stmts[3] as AssignStmt).value;
    if (e.kind !== 'binary' || e.left.kind !== 'binary' || e.left.left.kind !== 'number') throw new Error('shape');
    expect(e.left.left).toMatchObject({ value: -2, isInt: true });
  });

  it('parses outputs, the loss and the train block', () => {
    const out = stmts[4] as OutputStmt;
    expect(out.name.name).toBe('probs');
    expect(out.value?.kind).toBe('call');
    expect(stmts[5]!.kind).toBe('loss');
    const train = stmts[6] as TrainStmt;
    expect(train.settings.map((s) => s.key.name)).toEqual(['optimizer', 'seed']);
    expect(text(train.keyword)).toBe('train');
    expect((file.models[1]!.stmts[0] as OutputStmt).value).toBeUndefined();
  });

  it('reports one syntax error at the failure position', () => {
    const bad = 'model m {\n  h = enc(x lengths=len)\n}\n';
    const d = parse(bad).diagnostics;
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ code: 'E0101', span: { start: bad.indexOf('lengths'), end: bad.indexOf('lengths') + 7 } });
    expect(d[0]!.message).toBe('unexpected `lengths`; expected `)`, `,` or `=`');
  });

  it('rejects identifiers that are keywords but accepts ones that only start like keywords', () => {
    expect(parse('model m { inputs = relu(x) }').diagnostics).toEqual([]);
    expect(parse('model m { input = relu(x) }').diagnostics[0]?.code).toBe('E0101');
    expect(parse('model m { x = truex }').diagnostics).toEqual([]);
  });

  it('reads numbers: integers, fractions, exponents', () => {
    const values = ['7', '0.25', '1e-5', '2.5E+3'].map((n) => {
      const s = parse(`model m { x = ${n} }`).syntax!.models[0]!.stmts[0] as AssignStmt;
      return s.value.kind === 'number' ? [s.value.value, s.value.isInt] : null;
    });
    expect(values).toEqual([[7, true], [0.25, false], [1e-5, false], [2500, false]]);
    expect(parse('model m { x = 1e }').diagnostics[0]?.code).toBe('E0101');
  });

  it('limits nesting instead of overflowing the stack', () => {
    const deep = `model m { x = ${'('.repeat(5000)}a${')'.repeat(5000)} }`;
    expect(parse(deep).diagnostics[0]?.code).toBe('E0102');
    const negs = `model m { x = ${'-'.repeat(5000)}a }`;
    expect(parse(negs).diagnostics[0]?.code).toBe('E0102');
    const chain = `model m { x = ${Array.from({ length: 2000 }, () => 'a').join(' + ')} }`;
    expect(parse(chain).diagnostics[0]?.code).toBe('E0102');
    const ok = `model m { x = ${Array.from({ length: 200 }, () => 'a').join(' + ')} }`;
    expect(parse(ok).diagnostics).toEqual([]);
  });
});
