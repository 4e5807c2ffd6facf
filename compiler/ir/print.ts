// A readable listing of the IR, one op per line (`rnnc compile --dump=after:STAGE`).
import type { Graph, Op } from './graph.ts';
import { tensorsOf, writesOf } from '../passes/plan-memory.ts';
import type { SizeExpr } from '../../runtime/bundle.ts';

const size = (e: SizeExpr): string => (typeof e === 'object' ? `(${e.slice(1).map(size).join(` ${e[0]} `)})` : String(e));

function attrs(op: Op): string {
  const skip = new Set(['kind', 'fwd']);
  return Object.entries(op).filter(([k, v]) => !skip.has(k) && (typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && !k.match(/^(a|b|x|y|bias)$/))))
    .map(([k, v]) => `${k}=${v}`)
    .concat('scheduled' in op && op.scheduled ? [`schedule=${op.scheduled.schedule}${op.scheduled.schedule === 'persistent'
      ? `(slice ${op.scheduled.forwardSlice} forward, ${op.scheduled.slice} backward)` : ''}`] : [])
    .join(' ');
}

export function printGraph(g: Graph): string {
  const name = (id: number) => `%${id}:${g.tensors[id]!.name}`;
  const lines = g.tensors.map((t) => `${name(t.id)} [${t.shape.map(size).join(', ')}] ${t.storage.kind}${'offset' in t.storage ? `@${t.storage.offset}` : ''}${t.persistent ? ' persistent' : ''}`);
  lines.push('');
  g.ops.forEach((o, i) => {
    const w = writesOf(o.op), r = tensorsOf(o.op).filter((t) => !w.includes(t));
    lines.push(`${String(i).padStart(3)} ${o.phase.padEnd(8)} ${w.map(name).join(', ')} = ${o.op.kind}(${r.map(name).join(', ')}) ${attrs(o.op)}  ; ${o.label}`);
  });
  return lines.join('\n');
}
