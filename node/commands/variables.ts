import type { Command } from 'commander';
import { S3DG } from '../../core/index.ts';
import { addModelFlags, modelConfigFromFlags, type ModelFlags } from '../model_flags.ts';
import { UsageError } from '../errors.ts';

/** `s3dg variables`: every model variable as `name<TAB>[d0,d1,…]`, sorted by name. */
export function defineVariables(program: Command): void {
  addModelFlags(program.command('variables').description('list the model variables and their shapes, as in a TF checkpoint')).action(
    (flags: ModelFlags) => {
      let model: S3DG;
      try {
        model = new S3DG(modelConfigFromFlags(flags));
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
      const lines = model
        .variables()
        .map((v) => `${v.name}\t[${v.shape.join(',')}]`)
        .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      process.stdout.write(lines.join('\n') + '\n');
    },
  );
}
