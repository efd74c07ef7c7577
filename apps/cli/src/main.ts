// inplay: the command line of the project. Every command validates its
// settings first and says plainly what to fix when something is wrong.
import { Command, Option } from 'commander';
import { ConfigError } from '@inplay/config';
import { up } from './commands/up';
import { down } from './commands/down';
import { status } from './commands/status';
import { bootstrap } from './commands/bootstrap';

const program = new Command('inplay')
  .description('inplay: in-play trading of virtual player shares on Kafka. Run `inplay up` to start everything.')
  .showHelpAfterError();

program
  .command('up')
  .description('start Kafka, Postgres, the schema registry and every service, replay a demo match, print the URL')
  .option('--infra-only', 'start only Kafka, Postgres and the registry (tests reuse them)')
  .addOption(new Option('--infra <mode>', 'where the infrastructure comes from').choices(['local', 'external', 'containers']))
  .action(up);

program.command('down').description('stop what `inplay up` started (from any terminal)').action(down);

program
  .command('status')
  .description('each component: up or down, address, version')
  .option('--json', 'machine-readable output')
  .action(status);

program
  .command('bootstrap')
  .description('create topics, apply migrations and register schemas on external infrastructure, then exit')
  .action(bootstrap);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(2);
  }
  console.error(`inplay: ${(err as Error).message}`);
  process.exit(1);
}
