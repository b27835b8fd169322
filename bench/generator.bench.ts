// The mailbox generator streaming 100,000 raw messages (the test streams 10,000): throughput, size
// and the heap, which must stay flat because every message is composed on demand and dropped.
// Runs under `npm run bench` (with --expose-gc) or on its own:
//   node --expose-gc -r ts-node/register/transpile-only bench/generator.bench.ts [messages]
import { createMailbox } from '../test/emulator/generator';
import type { Bench, BenchContext } from './run';

const MESSAGES = Number(process.env.GENERATOR_BENCH_MESSAGES ?? 100_000);
const owner = { email: 'alex.morgan@example.com', name: 'Alex Morgan' };

function heapBytes(): number {
	global.gc?.();
	return process.memoryUsage().heapUsed;
}

async function run(report: BenchContext['report'], messages = MESSAGES): Promise<void> {
	const mailbox = createMailbox({ seed: 'memory', count: messages, owner });
	const before = heapBytes();
	const started = process.hrtime.bigint();
	let bytes = 0;
	let peak = 0;
	for (const message of mailbox.messages()) {
		bytes += message.raw().length;
		if (message.index % 20_000 === 0) peak = Math.max(peak, heapBytes() - before);
	}
	const seconds = Number(process.hrtime.bigint() - started) / 1e9;
	const grown = heapBytes() - before;
	const gcNote = global.gc ? 'after gc' : 'no --expose-gc: upper bound';
	report(
		'raw messages composed',
		messages / seconds,
		'messages/s',
		`${messages} in ${seconds.toFixed(1)} s`,
	);
	report('raw message size', bytes / messages, 'bytes');
	report('heap growth over the stream', grown / 1024 / 1024, 'MB', gcNote);
	report('heap peak over the stream', peak / 1024 / 1024, 'MB', gcNote);
}

const bench: Bench = {
	name: 'mailbox generator (100k raw messages)',
	run: ({ report }) => run(report),
};
export default bench;

if (require.main === module) {
	const messages = Number(process.argv[2] ?? MESSAGES);
	run(
		(name, value, unit, note) =>
			console.log(`${name}: ${Number(value.toPrecision(4))} ${unit}${note ? `  (${note})` : ''}`),
		messages,
	).catch((error) => {
		console.error(error);
		process.exit(1);
	});
}
