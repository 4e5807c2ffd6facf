// Typed pieces a kernel is assembled from: tensor accessors that know their buffer and offset,
// size formulas printed as WGSL, helpers emitted once, and one binding list that produces both the
// WGSL declarations and the bundle's binding table (so the two cannot drift).
import type { BundleBinding, ResourceName, SizeExpr, UniformField } from '../../runtime/bundle.ts';
import type { Tensor, TensorId } from '../ir/graph.ts';

/** 0 … n − 1: the indices of an unrolled register tile (kernels unroll rather than index private arrays). */
export const range = (n: number): number[] => [...Array(n).keys()];

/** `text` with each line after its first indented by `spaces`: a multi-line piece placed at that depth of a template. */
export const indentAfterFirst = (text: string, spaces: number): string => text.replace(/\n/g, `\n${' '.repeat(spaces)}`);

export const HELPERS = {
  sigmoid: 'fn sigmoid(x: f32) -> f32 { return 1.0 / (1.0 + exp(-x)); }',
  // tanh via exp of a clamped argument: WGSL's tanh may be inaccurate or NaN for large |x| on some drivers.
  tanh_: 'fn tanh_(x: f32) -> f32 { let e = exp(-2.0 * abs(clamp(x, -15.0, 15.0))); return sign(x) * (1.0 - e) / (1.0 + e); }',
  erf_: [
    '// Abramowitz–Stegun 7.1.26 (|error| < 1.5e-7), enough for f32.',
    'fn erf_(x: f32) -> f32 {',
    '  let t = 1.0 / (1.0 + 0.3275911 * abs(x));',
    '  let y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * exp(-x * x);',
    '  return sign(x) * y;',
    '}',
  ].join('\n'),
  hash32: [
    '// lowbias32, as runtime/random.ts: the dropout masks of every back end agree bit for bit.',
    'fn hash32(v: u32) -> u32 {',
    '  var x = v; x ^= x >> 16u; x *= 0x7feb352du; x ^= x >> 15u; x *= 0x846ca68bu; x ^= x >> 16u; return x;',
    '}',
    'fn dropout_uniform(seed: u32, site: u32, step: u32, index: u32) -> f32 {',
    '  var h = hash32(seed + 0x9e3779b9u * (site + 1u)); h = hash32(h ^ step); h = hash32(h ^ index);',
    '  return f32(h >> 8u) / 16777216.0;',
    '}',
  ].join('\n'),
} as const;
export type HelperName = keyof typeof HELPERS;

/** The Run uniform: one u32 field per entry of the bundle's uniform table, in order. */
export function fieldName(f: UniformField): string {
  switch (f.kind) {
    case 'dim': return `d_${f.name}`;
    case 'offset': return `o_${f.tensor.replace(/[^A-Za-z0-9_]/g, '_')}`;
    default: return f.kind;
  }
}

export function runStruct(fields: readonly UniformField[]): string {
  return `struct Run {\n${fields.map((f) => `  ${fieldName(f)}: u32,`).join('\n')}\n}`;
}

export function wgslSize(e: SizeExpr): string {
  if (typeof e === 'number') return `${e}u`;
  if (typeof e === 'string') return `u.d_${e}`;
  const [op, ...args] = e;
  const xs = args.map(wgslSize);
  switch (op) {
    case '+': return `(${xs.join(' + ')})`;
    case '*': return `(${xs.join(' * ')})`;
    case 'max': return xs.reduce((a, b) => `max(${a}, ${b})`);
    case 'min': return xs.reduce((a, b) => `min(${a}, ${b})`);
    case 'cdiv': return `((${xs[0]} + ${xs[1]} - 1u) / ${xs[1]})`;
  }
}

const RESOURCE_TYPE: Record<ResourceName, string> = {
  params: 'array<f32>', grads: 'array<f32>', opt: 'array<f32>', arena: 'array<f32>', ints: 'array<i32>', partials: 'array<f32>',
};

export interface KernelDraft {
  readonly name: string;
  readonly workgroupSize: readonly [number, number, number];
  readonly bindings: readonly (BundleBinding & { readonly name: ResourceName })[];
  readonly text: string;
  readonly workgroupBytes: number;
  /** WGSL extensions the module enables (each needs the WebGPU feature of the same name). */
  readonly extensions: readonly WgslExtension[];
}

export type WgslExtension = 'subgroups';

/** Collects what one kernel touches while its body is written, then prints the module. */
export class KernelWriter {
  private readonly access = new Map<ResourceName, 'read' | 'read_write'>();
  private readonly helpers = new Set<HelperName>();
  private readonly decls: string[] = [];
  private readonly extensions = new Set<WgslExtension>();
  private wgBytes = 0;
  /** How this kernel declares `params`: as f32 words, or as vec4 (see vec4Params). */
  private paramsView: 'f32' | 'vec4' = 'f32';
  private paramWordsRead = false;

  constructor(private readonly tensors: readonly Tensor[], private readonly offsetField: (t: Tensor) => string) {}

  use(r: ResourceName, write: boolean): void {
    if (write || !this.access.has(r)) this.access.set(r, write ? 'read_write' : this.access.get(r) ?? 'read');
  }

  helper(...names: HelperName[]): void { for (const n of names) this.helpers.add(n); }

  /** Enables a WGSL extension (and so requires the matching WebGPU feature of the device). */
  enable(ext: WgslExtension): void { this.extensions.add(ext); }

  workgroupArray(name: string, type: 'f32' | 'u32' | 'vec4<f32>', count: number): void {
    this.decls.push(`var<workgroup> ${name}: array<${type}, ${count}>;`);
    this.wgBytes += (type === 'vec4<f32>' ? 16 : 4) * count;
  }

  /** The buffer and base offset of a tensor, marking the buffer used (for kernels that pick a base at run time). */
  base(id: TensorId, write = false): { buf: ResourceName; base: string } {
    const r = this.resource(this.tensor(id));
    this.use(r.buf, write);
    return r;
  }

  private resource(t: Tensor): { buf: ResourceName; base: string } {
    switch (t.storage.kind) {
      case 'param': return { buf: 'params', base: `${t.storage.offset}u` };
      case 'grad': return { buf: 'grads', base: `${t.storage.offset}u` };
      case 'arena': return { buf: 'arena', base: `u.${this.offsetField(t)}` };
      case 'ints': return { buf: 'ints', base: `u.${this.offsetField(t)}` };
    }
  }

  /** WGSL expression reading element `index` of tensor `id`. */
  load(id: TensorId, index: string): string {
    const r = this.resource(this.tensor(id));
    if (r.buf === 'params') return this.paramWord(`${r.base} + ${index}`);
    this.use(r.buf, false);
    return `${r.buf}[${r.base} + ${index}]`;
  }

  /**
   * Declares `params` as array<vec4<f32>> in this kernel (the compiler aligns every parameter to 4
   * floats): paramVec4 then reads 4 words with one load, and single words are read as components. A
   * second, vec4 binding of the same buffer beside the f32 one is not an option: a bundle binds each
   * buffer once per kernel. Call before the kernel reads any single parameter word.
   */
  vec4Params(): void {
    if (this.paramWordsRead && this.paramsView === 'f32') throw new Error('internal error (codegen): vec4Params after a params word was read');
    this.paramsView = 'vec4';
  }

  get paramsAreVec4(): boolean { return this.paramsView === 'vec4'; }

  /** WGSL expression reading params word `index` (an absolute float index), in either view. */
  paramWord(index: string): string {
    this.use('params', false);
    this.paramWordsRead = true;
    return this.paramsView === 'vec4' ? `params[(${index}) / 4u][(${index}) % 4u]` : `params[${index}]`;
  }

  /** WGSL expression reading params words index … index + 3 as a vec4; `index` must be a multiple of 4. */
  paramVec4(index: string): string {
    if (this.paramsView !== 'vec4') throw new Error('internal error (codegen): paramVec4 without vec4Params');
    this.use('params', false);
    return `params[(${index}) / 4u]`;
  }

  /** A WGSL statement writing `value` (assigning or accumulating) to element `index` of tensor `id`. */
  store(id: TensorId, index: string, value: string, accumulate = false): string {
    const r = this.resource(this.tensor(id));
    if (r.buf === 'params' && this.paramsView === 'vec4') throw new Error('internal error (codegen): a store to params read as vec4');
    this.use(r.buf, true);
    return `${r.buf}[${r.base} + ${index}] ${accumulate ? '+=' : '='} ${value};`;
  }

  private tensor(id: TensorId): Tensor {
    const t = this.tensors[id];
    if (!t) throw new Error(`internal error (codegen): no tensor ${id}`);
    return t;
  }

  finish(name: string, workgroupSize: readonly [number, number, number], body: string, run: string): KernelDraft {
    const order: ResourceName[] = ['params', 'grads', 'opt', 'arena', 'ints', 'partials'];
    const bindings = order.filter((r) => this.access.has(r)).map((r) => ({ name: r, resource: r, access: this.access.get(r)! }));
    const text = [
      ...[...this.extensions].sort().map((e) => `enable ${e};`),
      // Subgroup operations sit in loops whose trip counts are uniform but whose bodies the uniformity
      // analysis cannot prove so (per-thread guards); the kernels keep every quad's lanes active together.
      ...(this.extensions.has('subgroups') ? ['diagnostic(off, subgroup_uniformity);'] : []),
      ...bindings.map((b, i) => `@group(0) @binding(${i}) var<storage, ${b.access}> ${b.name}: ${
        b.name === 'params' && this.paramsView === 'vec4' ? 'array<vec4<f32>>' : RESOURCE_TYPE[b.name]};`),
      run,
      '@group(1) @binding(0) var<uniform> u: Run;',
      'struct Step { t: u32 }',
      '@group(1) @binding(1) var<uniform> step: Step;',
      ...this.decls,
      ...[...this.helpers].sort().map((h) => HELPERS[h]),
      `@compute @workgroup_size(${workgroupSize.join(', ')})`,
      `fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>${this.extensions.has('subgroups') ? ', @builtin(subgroup_invocation_id) sgid: u32' : ''}) {`,
      body.replace(/^/gm, '  ').replace(/\s+$/, ''),
      '}',
      '',
    ].join('\n');
    return { name, workgroupSize, bindings, text, workgroupBytes: this.wgBytes, extensions: [...this.extensions].sort() };
  }
}

/** Activation and its derivative expressed through the output y (and input x where needed). */
export function actExpr(w: KernelWriter, act: string, x: string): string {
  switch (act) {
    case 'none': return x;
    case 'relu': return `max(${x}, 0.0)`;
    case 'tanh': w.helper('tanh_'); return `tanh_(${x})`;
    case 'sigmoid': w.helper('sigmoid'); return `sigmoid(${x})`;
    case 'gelu': w.helper('erf_'); return `(0.5 * ${x} * (1.0 + erf_(${x} * 0.70710678118654752)))`;
    case 'exp': return `exp(${x})`;
    case 'log': return `log(${x})`;
    case 'neg': return `(-${x})`;
    default: throw new Error(`internal error (codegen): activation ${act}`);
  }
}
