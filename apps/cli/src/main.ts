// inplay: the command line of the project. Every command validates its
// settings first and says plainly what to fix when something is wrong.
import { Command, Option } from 'commander';
import { ConfigError } from '@inplay/config';
import { up } from './commands/up';
import { down } from './commands/down';
import { status } from './commands/status';
import { bootstrap } from './commands/bootstrap';
import { feedReplay, feedSynthetic } from './commands/feed';
import { usersCreate } from './commands/users';
import { replayCommand, backfillCommand } from './commands/audit';
import { fairnessCommand } from './commands/fairness';
import { anomaliesCommand, ANOMALY_HELP, DEFAULT_ANOMALY_LIMIT } from './commands/anomalies';
import { imagesBuildCommand } from './commands/images';
import { chaosCommand } from './commands/chaos';
import { benchPricingCommand, benchSettlementCommand, benchFanoutCommand, benchReplayCommand } from './commands/bench';

const program = new Command('inplay')
  .description('inplay: in-play trading of virtual player shares on Kafka. Run `inplay up` to start everything.')
  .showHelpAfterError();

program
  .command('up')
  .description('start Kafka, Postgres, the schema registry and every service, replay a demo match, print the URL')
  .option('--infra-only', 'start only Kafka, Postgres and the registry (tests reuse them)')
  .addOption(new Option('--infra <mode>', 'where the infrastructure comes from').choices(['local', 'external', 'containers']))
  .option('--gateways <n>', 'gateway processes sharing the gateway port', '1')
  .option('--speed <factor>', 'demo replay speed (0: no demo replay)', '10')
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

program
  .command('images')
  .description('container images (needs Docker)')
  .command('build')
  .description('build inplay/service, inplay/kafka and inplay/postgres (bases made here when no registry answers); unchanged images are kept')
  .option('--only <list>', 'comma-separated: service, kafka, postgres (default all)')
  .option('--force', 'build again without the layer cache')
  .action(imagesBuildCommand);

program
  .command('users')
  .description('demo users')
  .command('create')
  .description('create users with starting cash and print a token for each (needs `inplay up` running)')
  .argument('<userIds...>', 'one or more user ids (letters, digits, _ . -)')
  .option('--cash <euros>', 'starting cash in euros (default 1000)')
  .option('--name <displayName>', 'display name (default: the user id)')
  .option('--json', 'machine-readable output')
  .action(usersCreate);

program
  .command('replay')
  .description('the audit: rebuild cash, holdings, ledger and leaderboards from the topics into a fresh database and prove them equal to the live projection')
  .option('--json <file>', 'also write the report (keys equal, discrepancies, eventsPerSec) here')
  .action(replayCommand);

program
  .command('backfill')
  .description('compute a leaderboard over past history from the start of the topics (resumable after Ctrl-C, idempotent)')
  .requiredOption('--board <name>', '"overall" or "match:<matchId>"')
  .option('--from <time>', 'ignore results settled before this time (ISO 8601)')
  .action(backfillCommand);

const bench = program.command('bench').description('benchmarks (each runs its baseline in the same invocation; JSON + chart)');
bench
  .command('pricing')
  .description('match event -> visible price tick latency (p50, p99) at fixed rates after a warm-up, and events/s flat out, for the idempotent delivery and its transactional baseline in the same run, each repeated in alternating order')
  .option('--json <file>', 'where the JSON report goes (chart beside it)', 'bench-results/pricing.json')
  .option('--rates <list>', 'offered events/s of the latency phases, comma-separated (default 500,1000,5000)')
  .option('--deliveries <list>', 'delivery modes to measure, comma-separated, the first reported on top (default idempotent,transactional)')
  .option('--duration-s <s>', 'seconds per latency phase', '10')
  .option('--repetitions <n>', 'runs of each delivery, in alternating order; figures are the median (min–max)', '3')
  .option('--throughput-events <n>', 'events of the flat-out phase (default 100000)')
  .option('--profile-dir <dir>', 'write V8 CPU profiles of the pricing processes into this folder')
  .action(benchPricingCommand);
bench
  .command('settlement')
  .description('orders end to end (HTTP in -> result on order.results) for every strategy: orders/s, latency p50/p99 at 2,000/s, invariant violations')
  .option('--json <file>', 'where the JSON report goes (chart beside it)', 'bench-results/settlement.json')
  .option('--users <n>', 'users placing orders (default 200)')
  .option('--duration-s <s>', 'seconds per fixed-rate phase (default 6)')
  .option('--rates <list>', 'offered orders/s of the fixed-rate phases, comma-separated (default 500,1000,2000,4000)')
  .option('--strategies <list>', 'settlement strategies to measure, comma-separated (default: all)')
  .option('--repetitions <n>', 'runs of each strategy, in rotated order; figures are the median (min–max), 1 to 9', '3')
  .option('--profile-dir <dir>', 'write V8 CPU profiles of the intake and settlement processes into this folder')
  .action(benchSettlementCommand);
bench
  .command('fanout')
  .description('WebSocket fan-out: tick append -> client receipt with N connections, uWS gateway vs a ws baseline')
  .option('--connections <n>', 'WebSocket connections at the largest step (default 10000; 50000 for one match)')
  .option('--json <file>', 'where the JSON report goes (chart beside it)', 'bench-results/fanout.json')
  .option('--players <n>', 'players ticking (default 500)')
  .option('--ticks-per-sec <n>', 'ticks per second overall (default 2000)')
  .option('--duration-s <s>', 'measurement window per run')
  .addOption(new Option('--only <gateway>', 'run one gateway only').choices(['uws', 'ws', 'both']))
  .option('--repetitions <n>', 'runs of each gateway at each load, in alternating order (median and spread reported)', '3')
  .option('--steps <fractions>', 'loads to run, as fractions of --connections (default 0.25,0.5,1)')
  .option('--flush-interval-ms <ms>', 'both gateways: one frame of ticks per connection per this interval (default: the gateway\'s flushIntervalMs)')
  .option('--profile-dir <dir>', 'write V8 CPU profiles of the gateway processes here')
  .action(benchFanoutCommand);
bench
  .command('replay')
  .description('the audit replay (inplay replay) on a recorded history of ~320,000 events, recorded once: events/s of the streaming pipeline against the sequential one, each run --repetitions times in alternating order')
  .option('--json <file>', 'where the JSON report goes (chart beside it)', 'bench-results/replay.json')
  .option('--orders <n>', 'orders in the recorded history (default 60000)')
  .option('--repetitions <n>', 'runs of each pipeline (streaming, sequential baseline), alternating; 1 to 9', '3')
  .action(benchReplayCommand);

program
  .command('fairness')
  .description('latency-arbitrage experiment: replay the real match with a front-runner (sees each goal --front-run-ms before the feed, buys the scorer) and 200 honest users, for every seed, replay speed and fairness policy (policies rotated per seed), on real Kafka and Postgres; writes per policy and speed the median and range over the seeds of frontRunnerPnl (cents), honestFillRate, honestMedianTimeToFillMs, frontRunnerRank, and "noise" where a policy does not differ from none beyond the spread')
  .option('--json <file>', 'where the JSON report goes (chart beside it)', 'bench-results/fairness.json')
  .option('--policies <list>', 'comma-separated: none, trade-lock, delayed, sealed-batch, event-time-void (default all)')
  .option('--speeds <list>', 'comma-separated replay speeds, simulated match ms per wall ms (default 60: the 108-minute match in ~2 minutes per run)')
  .option('--seeds <n>', 'seeds per speed, --seed, --seed+1, ... (default 1; at least 3 for a noise verdict, at most 9)')
  .option('--seed <n>', 'first seed of the feed jitter and the honest users (default 1)')
  .option('--concurrency <n|speed:n,...>', 'runs at once: one number for every speed, or per speed such as 10:10,30:4,60:2 (default 1: one after another)')
  .option('--honest-users <n>', 'honest users trading at random (default 200)')
  .option('--front-run-ms <ms>', 'how far ahead of the feed the front-runner sees events (default 30000)')
  .option('--delay-ms <ms>', 'delayMs of the delayed policy (default 40000, the feed\'s largest lag)')
  .option('--until-minute <m>', 'replay only the first m minutes of match time (the demo match\'s 4 goals are in by minute 78)')
  .option('--keep', 'keep each run\'s topics and database for inspection')
  .action(fairnessCommand);

program
  .command('chaos')
  .description('faults under steady load (orders at a fixed rate, the demo match replaying, WebSocket clients), one scenario after another on a stack of its own; after each: every accepted order exactly one result and effect, no key twice, ledger balanced, nobody below zero, projection equal to the topics, ticks gap-free, no silent gap for clients; exit code 5 when a scenario fails')
  .option('--scenario <list>', 'comma-separated scenarios (default all): kill-settlement, kill-pricing, kill-gateway, kill-feed-ingest, kill-leaderboard, kill-registry, kafka-restart, kafka-kill, postgres-restart, kafka-latency, postgres-latency, kafka-bandwidth, postgres-reset, kafka-partition, postgres-partition, settlement-scale, clock-skew, registry-new-schema, broker-kill (containers)')
  .option('--json <file>', 'where the JSON report goes')
  .option('--infra <mode>', 'local: one broker and Postgres as processes here, toxiproxy in front of both; containers: the 3-broker cluster (adds broker-kill; toxiproxy in front of Postgres only)', 'local')
  .option('--rate <orders/s>', 'orders per second, round-robin over the users (default 20)')
  .option('--users <n>', 'users placing orders (default 20)')
  .option('--ws-clients <n>', 'WebSocket clients subscribed to every player (default 5)')
  .option('--fault-s <s>', 'how long each fault lasts (default 10)')
  .option('--after-s <s>', 'load after recovery, before the checks (default 15)')
  .option('--speed <factor>', 'replay speed of the demo match (default 10)')
  .option('--keep', 'keep the run\'s data and logs even when every scenario passes')
  .action(chaosCommand);

program
  .command('anomalies')
  .description('rank users by how often and how profitably they trade between an event on the pitch (occurredAt − ε) and the feed (ingestedAt), with the evidence (orders, events, P&L)')
  .option('--json', 'print the whole report as JSON')
  .option('--limit <n>', `users listed (default ${DEFAULT_ANOMALY_LIMIT})`)
  .option('--epsilon-ms <ms>', ANOMALY_HELP.epsilonMs)
  .option('--min-move-bp <bp>', ANOMALY_HELP.minMoveBp)
  .option('--match <matchId>', 'only events of this match')
  .action(anomaliesCommand);

const feed = program.command('feed').description('put match events on match.events');
feed
  .command('replay')
  .description('replay a StatsBomb Open Data match onto match.events with a feed lag: the demo match (Barcelona 2-2 Girona, in data/statsbomb) by default, or any match whose files you have')
  .option('--events <file>', 'the match\'s StatsBomb events JSON (with --lineups)')
  .option('--lineups <file>', 'the match\'s StatsBomb lineups JSON (with --events)')
  .option('--matches <file>', 'a StatsBomb matches JSON (matches/<competition>/<season>.json) with the match\'s entry: home and away are taken from it')
  .option('--statsbomb-dir <dir>', 'a StatsBomb Open Data folder (events/<id>.json, lineups/<id>.json, matches/<competition>/<season>.json), with --match')
  .option('--match <id>', 'the StatsBomb match id in --statsbomb-dir')
  .option('--speed <factor>', 'replay speed, 1 (real time) to 1000', '10')
  .option('--lag-ms <ms>', 'feed lag added to every event, wall-clock ms (default 20000)')
  .option('--jitter-ms <ms>', 'uniform jitter added to the lag (default 5000)')
  .option('--match-id <id>', 'match instance id (the same id twice dedupes)')
  .addHelpText('after', `
Home and away come from the matches file where given, else from the order of the two Starting XI
events (StatsBomb writes the home team first), never from the lineups file's order. Every file is
checked before anything is produced; a bad one is refused with its path and what is wrong.

Examples:
  npx inplay feed replay --speed 100
  npx inplay feed replay --events 3788741.json --lineups 3788741-lineups.json
  npx inplay feed replay --statsbomb-dir ~/open-data/data --match 3788741 --speed 60`)
  .action(feedReplay);
feed
  .command('synthetic')
  .description('seeded synthetic matches with Poisson event rates, for load')
  .option('--matches <n>', 'concurrent matches', '10')
  .option('--players <n>', 'players per team', '11')
  .option('--seed <n>', 'seed (same seed, same events)', '1')
  .option('--rate <eventsPerSec>', 'pace to this many events per second (default: as fast as possible)')
  .option('--duration-s <s>', 'match time to generate, seconds')
  .action(feedSynthetic);

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
