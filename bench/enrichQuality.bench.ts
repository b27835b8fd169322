// Signature extraction quality, ours against the open-source baseline talon (Mailgun's extractor,
// npm port), on the labelled fixture set (test/enrich/fixtures), plus the offline extractor's speed.
//
// Fairness: talon only finds a block in plain text and knows nothing of quotes or bulk headers, so
// it is given our quote-free own text (`ownText`: quotes and forwards removed, HTML turned into
// text) and automated mail is skipped for it as for us. Its fields are read from its block by our
// own field extractor, so the comparison is about finding the block.
// Runs under `npm run bench -- enrichQuality` or on its own:
//   node -r ts-node/register/transpile-only bench/enrichQuality.bench.ts
import { enrichEmailOffline, extractSignatureFields, ownText } from '../core/enrich';
import type { EmailForEnrichment, SignatureBlockResult } from '../core/enrich/types';
import { generatedFixtures } from '../test/enrich/fixtures/generated';
import { handwrittenFixtures } from '../test/enrich/fixtures/handwritten';
import { heldOutFirstFixtures } from '../test/enrich/fixtures/heldOutFirst';
import { heldOutSecondFixtures } from '../test/enrich/fixtures/heldOutSecond';
import type { LabelledEmail } from '../test/enrich/fixtures/types';
import {
	SCORED_FIELDS,
	formatTable,
	predictionFrom,
	scoreSet,
	type Prediction,
	type SetScore,
} from '../test/enrich/scoring';
import type { Bench, BenchContext } from './run';

// talon ships no types: the one function used here.
interface TalonModule {
	signature: {
		bruteforce: {
			extractSignature(text: string): { text: string; signature: string | null };
		};
	};
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const talon = require('talon') as TalonModule;

const SPEED_EMAILS = Number(process.env.ENRICH_BENCH_EMAILS ?? 10_000);

function predictOurs(fixture: LabelledEmail): Prediction {
	const { block, contact } = enrichEmailOffline(fixture.email);
	return predictionFrom(block.lines, contact);
}

function talonBlock(email: EmailForEnrichment): SignatureBlockResult {
	const text = ownText(email);
	if (email.isBulk)
		return { block: null, lines: [], ownText: text, method: null, skipped: 'automated' };
	const { signature } = talon.signature.bruteforce.extractSignature(text);
	const lines = (signature ?? '')
		.split('\n')
		.map((line) => line.trim())
		.filter((line) => line !== '');
	if (lines.length === 0)
		return { block: null, lines: [], ownText: text, method: null, skipped: 'no-signature' };
	return { block: lines.join('\n'), lines, ownText: text, method: 'tail' };
}

function predictTalon(fixture: LabelledEmail): Prediction {
	const block = talonBlock(fixture.email);
	return predictionFrom(block.lines, extractSignatureFields(block, fixture.email));
}

function reportScores(
	report: BenchContext['report'],
	part: string,
	systems: Array<{ name: string; score: SetScore }>,
): void {
	for (const { name, score } of systems) {
		for (const row of ['block', ...SCORED_FIELDS] as const)
			report(
				`${part} ${name} ${row} F1`,
				score.rows[row].f1,
				'',
				`P ${score.rows[row].precision.toFixed(3)} R ${score.rows[row].recall.toFixed(3)} n ${score.rows[row].support}`,
			);
		report(`${part} ${name} quoted leaks`, score.quotedLeaks, 'values');
	}
}

function timeIt(
	emails: EmailForEnrichment[],
	count: number,
	extract: (email: EmailForEnrichment) => unknown,
): number {
	for (const email of emails) extract(email); // warm-up
	const started = process.hrtime.bigint();
	for (let i = 0; i < count; i++) extract(emails[i % emails.length]);
	return Number(process.hrtime.bigint() - started) / 1e9;
}

async function run(report: BenchContext['report']): Promise<void> {
	const { signed, unsigned } = generatedFixtures();
	const parts: Array<{ part: string; fixtures: LabelledEmail[] }> = [
		{
			part: 'hand-written',
			fixtures: [...handwrittenFixtures, ...heldOutFirstFixtures, ...heldOutSecondFixtures],
		},
		{ part: 'held-out (second set)', fixtures: heldOutSecondFixtures },
		{ part: 'generated', fixtures: [...signed, ...unsigned] },
	];
	console.log(
		'  talon is given our quote-free own text (quotes, forwards and HTML removed by ownText) and skips automated mail like ours; its fields come from our field extractor applied to its block.',
	);
	for (const { part, fixtures } of parts) {
		const systems = [
			{ name: 'ours', score: scoreSet(fixtures, predictOurs) },
			{ name: 'talon', score: scoreSet(fixtures, predictTalon) },
		];
		console.log(
			`\n  ${part} (${fixtures.length} emails)\n${formatTable(systems).replace(/^/gm, '  ')}\n`,
		);
		reportScores(report, part, systems);
	}

	const emails = [...handwrittenFixtures, ...signed, ...unsigned].map((fixture) => fixture.email);
	const ours = timeIt(emails, SPEED_EMAILS, enrichEmailOffline);
	report(
		'offline extractor (block + fields)',
		SPEED_EMAILS / ours,
		'emails/s',
		`${SPEED_EMAILS} fixture emails in ${ours.toFixed(2)} s, one core`,
	);
	const baseline = timeIt(emails, SPEED_EMAILS, (email) =>
		talon.signature.bruteforce.extractSignature(ownText(email)),
	);
	report(
		'talon block on our own text (for scale)',
		SPEED_EMAILS / baseline,
		'emails/s',
		`${SPEED_EMAILS} in ${baseline.toFixed(2)} s`,
	);
}

const bench: Bench = {
	name: 'signature enrichment quality (ours vs talon) and offline speed',
	run: ({ report }) => run(report),
};
export default bench;

if (require.main === module) {
	run((name, value, unit, note) =>
		console.log(`${name}: ${Number(value.toPrecision(4))} ${unit}${note ? `  (${note})` : ''}`),
	).catch((error) => {
		console.error(error);
		process.exit(1);
	});
}
