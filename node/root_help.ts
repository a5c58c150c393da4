/**
 * `s3dg --help` as `vite --help` shows it: the default command's flags (the original
 * s3dg_estimator.py's, which `s3dg --mode …` takes without naming a command), then every
 * command with its one-line description. `s3dg <command> --help` is commander's own.
 */
import { Help, type Command } from 'commander';

/** Makes `program`'s help list the options of its default command `name`. */
export function showDefaultCommandOptions(program: Command, name: string): void {
  const defaultCommand = program.commands.find((c) => c.name() === name);
  if (!defaultCommand) throw new Error(`no command named ${name} to show in s3dg --help`);
  program.configureHelp({
    visibleOptions(this: Help, cmd: Command) {
      return Help.prototype.visibleOptions.call(this, cmd === program ? defaultCommand : cmd);
    },
  });
}
