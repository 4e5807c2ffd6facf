// Module shapes the demo's build gives: `.rnn` files through the rnnc esbuild plugin, and data files from
// npm data packages through build.mjs's `demo-data:` resolver.
declare module '*.rnn' {
  const bundle: import('../../runtime/bundle.ts').Bundle;
  export const bundles: Record<string, import('../../runtime/bundle.ts').Bundle>;
  export default bundle;
}
declare module 'demo-data:female-names' { const names: string[]; export default names; }
declare module 'demo-data:male-names' { const names: string[]; export default names; }
declare module 'demo-data:co2' { const csv: string; export default csv; }
