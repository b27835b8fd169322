// The scorer must be able to fail: wrong values lower precision, misses lower recall, leaks count.

import type { LabelledEmail } from './fixtures/types';
import { addressesMatch, formatTable, normaliseUrl, scoreSet, type Prediction } from './scoring';

const fixture: LabelledEmail = {
	id: 'unit-1',
	source: 'handwritten',
	language: 'en',
	layouts: ['dash-delimiter'],
	email: { fromEmail: 'a@b.example', fromName: 'A', text: 'irrelevant', html: null },
	truth: {
		signatureLines: ['Ada Lovelace', 'Chief Analyst', 'Engine Works Ltd', 'T: +44 20 7946 0001'],
		fullName: 'Ada Lovelace',
		jobTitle: 'Chief Analyst',
		company: 'Engine Works Ltd',
		phones: ['+442079460001'],
		linkedinUrl: 'https://www.linkedin.com/in/ada-lovelace',
	},
	forbidden: ['Charles Babbage', '+442079460999'],
};

const perfect: Prediction = {
	lines: ['Ada Lovelace', 'Chief Analyst', 'Engine Works Ltd', 'T: +44 20 7946 0001'],
	fullName: 'ada lovelace ',
	jobTitle: 'Chief Analyst.',
	company: 'Engine  Works Ltd',
	phones: ['+442079460001'],
	linkedinUrl: 'linkedin.com/in/Ada-Lovelace/',
};

describe('signature scoring', () => {
	it('gives a perfect prediction F1 1 after normalisation', () => {
		const score = scoreSet([fixture], () => perfect);
		for (const row of Object.values(score.rows)) expect(row.f1).toBe(1);
		expect(score.quotedLeaks).toBe(0);
		expect(score.mistakes).toEqual([]);
	});

	it('lowers precision for a wrong value and recall for a miss', () => {
		const score = scoreSet([fixture], () => ({
			...perfect,
			phones: ['+442079460001', '+442079460002'],
			jobTitle: 'Analyst',
			company: undefined,
		}));
		expect(score.rows.phones.precision).toBe(0.5);
		expect(score.rows.phones.recall).toBe(1);
		expect(score.rows.jobTitle.precision).toBe(0);
		expect(score.rows.jobTitle.recall).toBe(0);
		expect(score.rows.company.recall).toBe(0);
		expect(score.rows.company.precision).toBe(1);
		expect(score.mistakes.map((m) => m.row).sort()).toEqual(['company', 'jobTitle', 'phones']);
	});

	it('counts extra and missing block lines, ignoring closings and delimiters on both sides', () => {
		const score = scoreSet([fixture], () => ({
			...perfect,
			lines: [
				'Best regards,',
				'-- ',
				'Ada Lovelace',
				'Chief Analyst',
				'CONFIDENTIAL: do not forward',
			],
		}));
		expect(score.rows.block.truePositives).toBe(2);
		expect(score.rows.block.falsePositives).toBe(1);
		expect(score.rows.block.falseNegatives).toBe(2);
	});

	it('counts a value taken from quoted text as a leak', () => {
		const score = scoreSet([fixture], () => ({
			...perfect,
			fullName: 'Charles Babbage',
			phones: ['+44 20 7946 0999'],
		}));
		expect(score.quotedLeaks).toBe(2);
		expect(score.leaks).toEqual([
			{ id: 'unit-1', value: 'Charles Babbage' },
			{ id: 'unit-1', value: '+44 20 7946 0999' },
		]);
	});

	it('counts anything predicted for a mail without signature as a false positive', () => {
		const unsigned: LabelledEmail = {
			...fixture,
			truth: { signatureLines: [], phones: [] },
			forbidden: undefined,
		};
		const score = scoreSet([unsigned], () => perfect);
		expect(score.rows.block.precision).toBe(0);
		expect(score.rows.fullName.falsePositives).toBe(1);
		expect(score.rows.fullName.f1).toBe(0);
	});

	it('normalises URLs and matches addresses by token overlap', () => {
		expect(normaliseUrl('https://de.linkedin.com/in/Max-Muster/?trk=x')).toBe(
			'linkedin.com/in/max-muster',
		);
		expect(normaliseUrl('http://WWW.Example.com/')).toBe('example.com');
		expect(addressesMatch('Hafenstraße 12, 20457 Hamburg', 'Hafenstraße 12 · 20457 Hamburg')).toBe(
			true,
		);
		expect(addressesMatch('Hafenstraße 12, 20457 Hamburg', '20457 Hamburg')).toBe(false);
	});

	it('prints one aligned table row per score row for each system', () => {
		const score = scoreSet([fixture], () => perfect);
		const table = formatTable([
			{ name: 'ours', score },
			{ name: 'other', score },
		]);
		const lines = table.split('\n');
		expect(lines[0]).toContain('ours');
		expect(lines[0]).toContain('other');
		expect(
			lines.filter((line) => /^(block|fullName|phones|postalAddress) /.test(line)),
		).toHaveLength(4);
		expect(new Set(lines.slice(1).map((line) => line.length)).size).toBeLessThanOrEqual(2);
	});
});
