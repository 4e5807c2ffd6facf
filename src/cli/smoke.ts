// `rnnc smoke`: runs the smoke kernel (y = a*x + b, then a workgroup-memory sum) on WebGPU in Node
// (Dawn) and prints the adapter. The placeholder main job (`npm start`) until the compiler exists.
import { CliError, parseFlags, type Command } from './command.ts';
import { formatAdapter } from '../gpu/adapter-info.ts';
import { releaseNodeDevice, requestNodeDevice } from '../gpu/node-webgpu.ts';
import { runSmokeKernel, smokeInput, smokeMaxError } from '../gpu/smoke-kernel.ts';

export const smokeCommand: Command = {
  name: 'smoke',
  summary: 'run a small compute kernel on WebGPU in Node and print the adapter',
  usage: 'rnnc smoke [--n N] [--json]\n\n  --n N    elements (default 1000)\n  --json   print the result as JSON',
  async run(args, io) {
    const { flags, positionals } = parseFlags(args, ['n']);
    for (const f of flags.keys()) if (f !== 'n' && f !== 'json') throw new CliError(`smoke: unknown option --${f}`);
    if (positionals.length > 0) throw new CliError(`smoke takes no arguments (got ${positionals.join(' ')})`);
    const n = flags.has('n') ? Number(flags.get('n')) : 1000;
    if (!Number.isInteger(n) || n < 1 || n > 1 << 24) throw new CliError('--n must be an integer in 1..16777216');
    const { device, info } = await requestNodeDevice();
    try {
      const input = smokeInput(n);
      const out = await runSmokeKernel(device, input);
      const maxError = smokeMaxError(out, input);
      const ok = maxError <= 1e-6;
      if (flags.has('json')) {
        io.out(JSON.stringify({ ok, adapter: info, n, sum: out.sum, maxError, ms: out.ms }));
      } else {
        io.out(`adapter: ${formatAdapter(info)}`);
        io.out(`kernel:  y = 1.5*x - 0.75 over ${n} elements, then a workgroup reduction: sum = ${out.sum}`);
        io.out(`check:   max |gpu - cpu float64| = ${maxError} (${ok ? 'ok' : 'MISMATCH'}), ${out.ms.toFixed(1)} ms`);
      }
      if (!ok) throw new CliError(`the GPU result differs from the CPU reference by ${maxError}`);
    } finally {
      await releaseNodeDevice(device);
    }
  },
};
