// The Gmail emulator at 100,000 messages: list every page (maxResults=500) and fetch a sample in
// metadata and full format through @googleapis/gmail, reporting throughput and the heap, which
// must stay flat because the mailbox is virtual. Runs under `npm run bench` or on its own:
//   node -r ts-node/register/transpile-only bench/gmailEmulator.bench.ts [messages]
import { auth, gmail as gmailApi } from '@googleapis/gmail';

import { startEmulator } from '../test/emulator';
import type { Bench, BenchContext } from './run';

const MESSAGES = Number(process.env.GMAIL_BENCH_MESSAGES ?? 100_000);

function seconds(since: bigint): number {
	return Number(process.hrtime.bigint() - since) / 1e9;
}

function heapMb(): number {
	global.gc?.();
	return process.memoryUsage().heapUsed / 1024 / 1024;
}

async function run(report: BenchContext['report'], messages = MESSAGES): Promise<void> {
	const emu = await startEmulator({ seed: 'gmail-bench', messages, quota: { enabled: false } });
	try {
		const oauth = new auth.OAuth2();
		oauth.setCredentials({ access_token: emu.sandbox.accessToken });
		const gmail = gmailApi({ version: 'v1', rootUrl: emu.urls.googleApis, auth: oauth });
		const heapStart = heapMb();
		let peak = heapStart;
		const sample: string[] = [];
		let listed = 0;
		let pageToken: string | undefined;
		let started = process.hrtime.bigint();
		do {
			const { data } = await gmail.users.messages.list({
				userId: 'me',
				maxResults: 500,
				pageToken,
				includeSpamTrash: true,
			});
			listed += data.messages?.length ?? 0;
			if (sample.length < 2000)
				sample.push(...data.messages!.filter((_, i) => i % 25 === 0).map((m) => m.id!));
			pageToken = data.nextPageToken ?? undefined;
			if (listed % 20000 === 0) peak = Math.max(peak, heapMb());
		} while (pageToken);
		const listSeconds = seconds(started);
		if (listed !== messages) throw new Error(`listed ${listed} of ${messages}`);
		report(
			'messages.list (maxResults=500)',
			listed / listSeconds,
			'messages/s',
			`${listed} in ${listSeconds.toFixed(1)} s`,
		);

		started = process.hrtime.bigint();
		for (let i = 0; i < sample.length; i += 10) {
			await Promise.all(
				sample.slice(i, i + 10).map((id) =>
					gmail.users.messages.get({
						userId: 'me',
						id,
						format: 'metadata',
						metadataHeaders: ['From', 'Subject', 'Date'],
					}),
				),
			);
		}
		const metaSeconds = seconds(started);
		report(
			'messages.get format=metadata (10 in flight)',
			sample.length / metaSeconds,
			'messages/s',
			`${sample.length} messages`,
		);

		started = process.hrtime.bigint();
		const fullSample = sample.slice(0, 500);
		for (let i = 0; i < fullSample.length; i += 10) {
			await Promise.all(
				fullSample
					.slice(i, i + 10)
					.map((id) => gmail.users.messages.get({ userId: 'me', id, format: 'full' })),
			);
		}
		const fullSeconds = seconds(started);
		report(
			'messages.get format=full (10 in flight)',
			fullSample.length / fullSeconds,
			'messages/s',
			`${fullSample.length} messages`,
		);

		peak = Math.max(peak, heapMb());
		report(
			'heap growth over the walk',
			peak - heapStart,
			'MB',
			global.gc ? 'after gc' : 'no --expose-gc: upper bound',
		);
	} finally {
		await emu.stop();
	}
}

const bench: Bench = {
	name: 'gmail emulator (100k virtual mailbox)',
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
