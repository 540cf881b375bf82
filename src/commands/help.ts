import * as Args from '@oclif/core/args';
import { BaseCommand } from '../cli/base-command.ts';
import { UserError } from '../errors.ts';
import { suggestion } from '../util/did-you-mean.ts';

/** `keyhygiene help scan` = `keyhygiene scan --help`, as git and npm users type it; a topic lists its commands. */
export default class HelpCommand extends BaseCommand {
  static override summary = 'Show help for keyhygiene or for one command (the same as COMMAND --help).';
  static override strict = false;
  static override examples = [
    { description: 'help for the scan command', command: '<%= config.bin %> <%= command.id %> scan' },
    { description: 'help for a command inside a topic', command: '<%= config.bin %> <%= command.id %> evidence verify' },
  ];
  static override args = { command: Args.string({ description: 'the command (or topic) to explain; words after it name a sub-command' }) };

  async run(): Promise<void> {
    const { argv } = await this.parse(HelpCommand);
    const words = (argv as string[]).filter((w) => !w.startsWith('-'));
    const { loadHelpClass } = await import('@oclif/core');
    const Help = await loadHelpClass(this.config);
    const help = new Help(this.config);
    if (words.length === 0) return help.showHelp([]);
    const id = words.join(':');
    const known = this.config.findCommand(id) ?? this.config.findTopic(id);
    if (!known) {
      const ids = this.config.commands.filter((c) => !c.hidden).map((c) => c.id.replaceAll(':', ' '));
      throw new UserError({
        message: `"${words.join(' ')}" is not a keyhygiene command.${suggestion(words.join(' '), ids)}`,
        expected: 'a command or topic, as listed by keyhygiene --help',
        hint: `run "${this.config.bin} --help" for the list of commands`,
      });
    }
    await help.showHelp([id]);
  }
}
