// Scores signature extraction against labelled truth: block detection at line level and each field,
// as micro precision / recall / F1 over the whole set, plus leaks of quoted-only values.
//
// Normalisation (the same on both sides):
// - text (lines, name, title, company): Unicode NFKC, lower case, whitespace collapsed, trimmed,
//   trailing punctuation (. , ; : | · •) stripped. No fuzzy matching: "Acme" is not "Acme GmbH".
// - block lines: normalised as text; empty lines, "-- " delimiters and lines that are only a
//   closing phrase or a rule (----, ＝＝＝) are ignored on both sides, so a system is neither rewarded nor punished for them.
//   Lines are compared as a multiset per email.
// - phones: each phone is one item, compared as E.164 digits.
// - email: lower case, trimmed.
// - URLs: scheme, "www." and trailing slashes dropped, host lower case; LinkedIn profiles keep
//   only linkedin.com/in/<slug> (query and fragment dropped, slug lower case).
// - postal address: a match when at least 80 % of the truth's tokens are in the prediction and at
//   least 80 % of the prediction's tokens are in the truth (tokens: letters/digits runs, lower case).

import type { SignatureContact } from '../../core/enrich/types';
import type { LabelledEmail, SignatureTruthLabel } from './fixtures/types';

/** What a system predicted for one email, as plain values. */
export interface Prediction {
	lines: string[];
	fullName?: string;
	jobTitle?: string;
	company?: string;
	phones: string[];
	email?: string;
	linkedinUrl?: string;
	website?: string;
	postalAddress?: string;
}

export const SCORED_FIELDS = [
	'fullName',
	'jobTitle',
	'company',
	'phones',
	'email',
	'linkedinUrl',
	'website',
	'postalAddress',
] as const;
export type ScoredField = (typeof SCORED_FIELDS)[number];
export type ScoreRow = 'block' | ScoredField;

export interface Counts {
	truePositives: number;
	falsePositives: number;
	falseNegatives: number;
}

export interface Metrics extends Counts {
	precision: number;
	recall: number;
	f1: number;
	/** How many truth items there were (true positives + false negatives). */
	support: number;
}

export interface Mistake {
	id: string;
	row: ScoreRow;
	expected: string[];
	got: string[];
}

export interface SetScore {
	emails: number;
	rows: Record<ScoreRow, Metrics>;
	/** Extracted values equal to a value found only in quoted or forwarded text. */
	quotedLeaks: number;
	leaks: Array<{ id: string; value: string }>;
	mistakes: Mistake[];
}

/** Turns the extractor's contact into plain predicted values. */
export function predictionFrom(lines: string[], contact: SignatureContact): Prediction {
	return {
		lines,
		fullName: contact.fullName?.value,
		jobTitle: contact.jobTitle?.value,
		company: contact.company?.value,
		phones: contact.phones.map((phone) => phone.value.e164),
		email: contact.email?.value,
		linkedinUrl: contact.linkedinUrl?.value,
		website: contact.website?.value,
		postalAddress: contact.postalAddress?.value,
	};
}

export function normaliseText(value: string): string {
	return value
		.normalize('NFKC')
		.toLowerCase()
		.replace(/\s+/g, ' ')
		.trim()
		.replace(/[\s.,;:|·•]+$/u, '')
		.trim();
}

export function normalisePhone(value: string): string {
	return value.replace(/[^\d]/g, '');
}

export function normaliseUrl(value: string): string {
	let url = value.trim().toLowerCase();
	url = url.replace(/^[a-z][a-z0-9+.-]*:\/\//, '').replace(/^www\./, '');
	url = url.replace(/[?#].*$/, '').replace(/\/+$/, '');
	const linkedin = /^(?:[a-z]{2,3}\.)?linkedin\.com\/in\/([^/]+)/.exec(url);
	if (linkedin) return `linkedin.com/in/${decodeURIComponent(linkedin[1])}`;
	return url;
}

function tokens(value: string): string[] {
	return (
		value
			.normalize('NFKC')
			.toLowerCase()
			.match(/[\p{L}\p{N}]+/gu) ?? []
	);
}

/** Token overlap both ways ≥ 0.8: tolerant of a dropped country line or different separators. */
export function addressesMatch(truth: string, predicted: string): boolean {
	const truthTokens = tokens(truth);
	const predictedTokens = tokens(predicted);
	if (truthTokens.length === 0 || predictedTokens.length === 0) return false;
	const predictedSet = new Set(predictedTokens);
	const truthSet = new Set(truthTokens);
	const truthCovered = truthTokens.filter((token) => predictedSet.has(token)).length;
	const predictedCovered = predictedTokens.filter((token) => truthSet.has(token)).length;
	return (
		truthCovered / truthTokens.length >= 0.8 && predictedCovered / predictedTokens.length >= 0.8
	);
}

// Closings in the fixture languages: a line that is only one of these is not signature content.
const CLOSING_LINE =
	/^(?:(?:best|kind|warm|many|with best)?\s*(?:regards|wishes|thanks)|best|cheers|thanks|thank you|many thanks|regards|sincerely|yours sincerely|yours truly|all the best|talk soon|xx?|mit freundlichen grüßen|mit freundlichem gruß|freundliche grüße|viele grüße|beste grüße|liebe grüße|herzliche grüße|schöne grüße|(?:herzliche|viele|liebe|beste|schöne|sonnige) grü(?:ß|ss)e aus [\p{L} .-]+|freundliche grüsse|beste grüsse|liebe grüsse|viele grüsse|lg|vg|mfg|gruß|grüße|danke und gruß|danke und grüße|bis bald|cordialement|bises|à plus|bien cordialement|bien à vous|meilleures salutations|bonne journée|salutations|saludos|un saludo|besos|un abrazo|saludos cordiales|atentamente|un cordial saludo|met vriendelijke groet(?:en)?|vriendelijke groet(?:en)?|groeten|groet|bedankt en groet|groetjes|hartelijke groet(?:en)?|cordiali saluti|distinti saluti|saluti|ciao|un saluto|atenciosamente|cumprimentos|melhores cumprimentos|com os melhores cumprimentos|abraços|abs|abraço|att|med vänliga hälsningar|vänliga hälsningar|hälsningar|kram|med venlig hilsen|venlig hilsen|hilsen|mvh|z poważaniem|pozdrawiam|serdecznie pozdrawiam|よろしくお願いいたします|よろしくお願いします|引き続きよろしくお願い申し上げます|よろしくお願い申し上げます|またね)[\s.,!。！]*$/iu;

export function isIgnoredLine(line: string): boolean {
	const trimmed = line.trim();
	// Empty lines, "-- " delimiters and rule lines (----, ____, ====, ＝＝＝＝) carry no content.
	if (trimmed === '' || /^[-_=＝─━*~]{2,}$/u.test(trimmed)) return true;
	return CLOSING_LINE.test(trimmed);
}

function countLines(truthLines: string[], predictedLines: string[]): Counts {
	const remaining = new Map<string, number>();
	for (const line of truthLines) {
		if (isIgnoredLine(line)) continue;
		const key = normaliseText(line);
		if (key) remaining.set(key, (remaining.get(key) ?? 0) + 1);
	}
	const support = [...remaining.values()].reduce((sum, n) => sum + n, 0);
	let truePositives = 0;
	let falsePositives = 0;
	for (const line of predictedLines) {
		if (isIgnoredLine(line)) continue;
		const key = normaliseText(line);
		if (!key) continue;
		const left = remaining.get(key) ?? 0;
		if (left > 0) {
			truePositives += 1;
			remaining.set(key, left - 1);
		} else falsePositives += 1;
	}
	return { truePositives, falsePositives, falseNegatives: support - truePositives };
}

function sameValue(field: ScoredField, truth: string, predicted: string): boolean {
	switch (field) {
		case 'phones':
			return normalisePhone(truth) === normalisePhone(predicted);
		case 'email':
			return truth.trim().toLowerCase() === predicted.trim().toLowerCase();
		case 'linkedinUrl':
		case 'website':
			return normaliseUrl(truth) === normaliseUrl(predicted);
		case 'postalAddress':
			return addressesMatch(truth, predicted);
		default:
			return normaliseText(truth) === normaliseText(predicted);
	}
}

function valuesOf(source: SignatureTruthLabel | Prediction, field: ScoredField): string[] {
	if (field === 'phones') return source.phones;
	const value = source[field];
	return value ? [value] : [];
}

function countField(field: ScoredField, truth: string[], predicted: string[]): Counts {
	const unmatched = [...truth];
	let truePositives = 0;
	let falsePositives = 0;
	const seen = new Set<string>();
	for (const value of predicted) {
		// The same phone twice is one prediction, not a false positive.
		const key = field === 'phones' ? normalisePhone(value) : value;
		if (seen.has(key)) continue;
		seen.add(key);
		const at = unmatched.findIndex((candidate) => sameValue(field, candidate, value));
		if (at >= 0) {
			truePositives += 1;
			unmatched.splice(at, 1);
		} else falsePositives += 1;
	}
	return { truePositives, falsePositives, falseNegatives: unmatched.length };
}

/** Every extracted value that equals (normalised) a value found only in quoted text. */
export function findLeaks(prediction: Prediction, forbidden: string[] | undefined): string[] {
	if (!forbidden || forbidden.length === 0) return [];
	const leaks: string[] = [];
	for (const field of SCORED_FIELDS) {
		for (const value of valuesOf(prediction, field)) {
			const leaked = forbidden.some((bad) => {
				if (field === 'phones' || /^\+\d{6,}$/.test(bad)) {
					const digits = normalisePhone(bad);
					return digits.length >= 6 && digits === normalisePhone(value);
				}
				if (field === 'linkedinUrl' || field === 'website')
					return normaliseUrl(bad) === normaliseUrl(value);
				return normaliseText(bad) === normaliseText(value);
			});
			if (leaked) leaks.push(value);
		}
	}
	return leaks;
}

export function metricsOf(counts: Counts): Metrics {
	const { truePositives: tp, falsePositives: fp, falseNegatives: fn } = counts;
	return {
		...counts,
		// Nothing predicted and nothing to find is perfect; nothing predicted with support is 0 recall.
		precision: tp + fp === 0 ? 1 : tp / (tp + fp),
		recall: tp + fn === 0 ? 1 : tp / (tp + fn),
		f1: tp + fp + fn === 0 ? 1 : (2 * tp) / (2 * tp + fp + fn),
		support: tp + fn,
	};
}

/** Scores predictions (looked up by fixture id) against a labelled set. */
export function scoreSet(
	fixtures: LabelledEmail[],
	predict: (fixture: LabelledEmail) => Prediction,
): SetScore {
	const rows = ['block', ...SCORED_FIELDS] as ScoreRow[];
	const totals = Object.fromEntries(
		rows.map((row) => [row, { truePositives: 0, falsePositives: 0, falseNegatives: 0 }]),
	) as Record<ScoreRow, Counts>;
	const mistakes: Mistake[] = [];
	const leaks: SetScore['leaks'] = [];
	const add = (
		row: ScoreRow,
		counts: Counts,
		fixture: LabelledEmail,
		expected: string[],
		got: string[],
	) => {
		totals[row].truePositives += counts.truePositives;
		totals[row].falsePositives += counts.falsePositives;
		totals[row].falseNegatives += counts.falseNegatives;
		if (counts.falsePositives > 0 || counts.falseNegatives > 0)
			mistakes.push({ id: fixture.id, row, expected, got });
	};
	for (const fixture of fixtures) {
		const prediction = predict(fixture);
		const truthLines = fixture.truth.signatureLines.filter((line) => !isIgnoredLine(line));
		const predictedLines = prediction.lines.filter((line) => !isIgnoredLine(line));
		add('block', countLines(truthLines, predictedLines), fixture, truthLines, predictedLines);
		for (const field of SCORED_FIELDS) {
			const expected = valuesOf(fixture.truth, field);
			const got = valuesOf(prediction, field);
			add(field, countField(field, expected, got), fixture, expected, got);
		}
		for (const value of findLeaks(prediction, fixture.forbidden))
			leaks.push({ id: fixture.id, value });
	}
	return {
		emails: fixtures.length,
		rows: Object.fromEntries(rows.map((row) => [row, metricsOf(totals[row])])) as Record<
			ScoreRow,
			Metrics
		>,
		quotedLeaks: leaks.length,
		leaks,
		mistakes,
	};
}

/** An aligned text table: one row per score row, precision / recall / F1 / support per system. */
export function formatTable(systems: Array<{ name: string; score: SetScore }>): string {
	const rows = ['block', ...SCORED_FIELDS] as ScoreRow[];
	const cell = (value: string, width: number) => value.padStart(width);
	const width = 7;
	const groupWidth = width * 4 + 3;
	const label = 14;
	const header1 =
		''.padEnd(label) + systems.map((system) => ` | ${system.name.padEnd(groupWidth)}`).join('');
	const header2 =
		'row'.padEnd(label) +
		systems
			.map(() => ` | ${['prec', 'recall', 'F1', 'support'].map((h) => cell(h, width)).join(' ')}`)
			.join('');
	const lines = [header1, header2, '-'.repeat(header2.length)];
	for (const row of rows) {
		lines.push(
			row.padEnd(label) +
				systems
					.map(({ score }) => {
						const m = score.rows[row];
						return ` | ${[m.precision, m.recall, m.f1].map((v) => cell(v.toFixed(3), width)).join(' ')} ${cell(String(m.support), width)}`;
					})
					.join(''),
		);
	}
	lines.push(
		'quotedLeaks'.padEnd(label) +
			systems.map(({ score }) => ` | ${cell(String(score.quotedLeaks), groupWidth)}`).join(''),
	);
	lines.push(
		'emails'.padEnd(label) +
			systems.map(({ score }) => ` | ${cell(String(score.emails), groupWidth)}`).join(''),
	);
	return lines.join('\n');
}
