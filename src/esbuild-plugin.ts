// `rnnc/esbuild`: an esbuild plugin that compiles `.rnn` imports at build time.
//
//   import rnnc from 'rnnc/esbuild';
//   await esbuild.build({ entryPoints: ['app.ts'], bundle: true, plugins: [rnnc()] });
//
//   // app.ts
//   import model from './model.rnn';                     // the GPU bundle (JSON) of the file's model
//   const m = await loadModel(model, { device });
//
// A file with several models: the default export is the first; `bundles` maps every model name to its
// bundle (`import { bundles } from './models.rnn'`). Check errors and constructs the WebGPU back end does
// not support become esbuild errors at their file, line and column; warnings become esbuild warnings.
import { readFile } from 'node:fs/promises';
import type { PartialMessage, Plugin } from 'esbuild';
import { checkSource, hasErrors, type Diagnostic } from '../compiler/front.ts';
import { SourceLines } from '../compiler/diagnostics/source-lines.ts';
import { UnsupportedError } from '../compiler/lower/context.ts';
import { compileModel, type CompileOptions } from '../compiler/pipeline.ts';

export interface RnncPluginOptions {
  /** Passed to the compiler (recurrent schedule, workgroup memory budget). */
  readonly compile?: Omit<CompileOptions, 'dump'>;
}

export default function rnncPlugin(options: RnncPluginOptions = {}): Plugin {
  return {
    name: 'rnnc',
    setup(build) {
      build.onLoad({ filter: /\.rnn$/ }, async (args) => {
        const text = await readFile(args.path, 'utf8');
        const lines = new SourceLines(text);
        const message = (d: Pick<Diagnostic, 'message' | 'span'> & { code?: string }): PartialMessage => {
          const at = lines.locate(d.span.start);
          return {
            text: d.code ? `${d.message} [${d.code}]` : d.message,
            location: { file: args.path, line: at.line, column: at.column - 1, lineText: lines.lineText(at.line),
                        length: Math.max(1, Math.min(d.span.end, text.length) - d.span.start) },
          };
        };
        const checked = checkSource(text, args.path);
        const warnings = checked.diagnostics.filter((d) => d.severity === 'warning').map(message);
        if (!checked.file || hasErrors(checked.diagnostics)) {
          return { errors: checked.diagnostics.filter((d) => d.severity === 'error').map(message), warnings };
        }
        const bundles: Record<string, unknown> = {};
        for (const model of checked.file.models) {
          try {
            bundles[model.name] = compileModel(model, options.compile ?? {});
          } catch (e) {
            if (e instanceof UnsupportedError) return { errors: [message({ code: 'E0900', message: e.message, span: e.node.span })], warnings };
            throw e;
          }
        }
        const first = checked.file.models[0]?.name;
        if (first === undefined) return { errors: [{ text: `${args.path} declares no model` }], warnings };
        const contents = `const bundles = ${JSON.stringify(bundles)};\nexport { bundles };\nexport default bundles[${JSON.stringify(first)}];\n`;
        return { contents, loader: 'js', warnings, watchFiles: [args.path] };
      });
    },
  };
}

