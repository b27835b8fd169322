// Conversion checks before upload: one click id, the 90-day click window, zoned times written as
// each API wants them, values with currencies, and a dedupe key from the order id.
import {
	ConversionValidationError,
	parseZonedTime,
	toAdsDateTime,
	toRfc3339,
	validateConversion,
	type ConversionInput,
} from '../../core/ads/conversions';

const NOW = new Date('2026-12-01T12:00:00Z');
const WORKSPACE = '7a0c1f52-3b1e-4c2d-9f1a-2b3c4d5e6f70';
const base: ConversionInput = {
	workspaceId: WORKSPACE,
	customerId: '123-456-7890',
	conversionAction: '555',
	gclid: 'Cj0KCQ-test',
	conversionTime: '2026-11-30T14:05:00+01:00',
};

function issuesOf(input: Partial<ConversionInput>) {
	try {
		validateConversion({ ...base, ...input }, NOW);
	} catch (error) {
		expect(error).toBeInstanceOf(ConversionValidationError);
		return (error as ConversionValidationError).issues;
	}
	throw new Error('accepted');
}

describe('conversion validation', () => {
	it('normalises a good conversion: digits, the action id, UTC time, a dedupe key from the order id', () => {
		const conversion = validateConversion(
			{
				...base,
				conversionAction: 'customers/1234567890/conversionActions/555',
				value: '149.90',
				currency: 'eur',
				orderId: 'deal-42',
			},
			NOW,
		);
		expect(conversion).toMatchObject({
			customerId: '1234567890',
			conversionActionId: '555',
			gclid: 'Cj0KCQ-test',
			gbraid: null,
			value: 149.9,
			currency: 'EUR',
			orderId: 'deal-42',
			uploadPath: 'data_manager',
			dedupeKey: 'order:1234567890:555:deal-42',
		});
		expect(conversion.conversionAt.toISOString()).toBe('2026-11-30T13:05:00.000Z');
	});

	it('keys a conversion without order id by click, action and time, the same each time', () => {
		const first = validateConversion(base, NOW).dedupeKey;
		expect(first).toMatch(/^click:[0-9a-f]{64}$/);
		expect(validateConversion({ ...base }, NOW).dedupeKey).toBe(first);
		expect(validateConversion({ ...base, gclid: 'other' }, NOW).dedupeKey).not.toBe(first);
	});

	it('wants exactly one of gclid, gbraid and wbraid', () => {
		expect(issuesOf({ gclid: '' })).toEqual([
			{ field: 'gclid', message: 'one click id is needed: gclid, gbraid or wbraid' },
		]);
		expect(issuesOf({ gbraid: 'g-1' })[0].message).toBe(
			'give exactly one of gclid, gbraid and wbraid, not gclid and gbraid',
		);
		expect(validateConversion({ ...base, gclid: ' ', wbraid: 'w-1' }, NOW).wbraid).toBe('w-1');
	});

	it('refuses a click older than 90 days and a conversion before its click', () => {
		const [old] = issuesOf({ clickTime: '2026-08-01T00:00:00Z' });
		expect(old.field).toBe('clickTime');
		expect(old.message).toMatch(/the click is 122 days old; Google accepts .* up to 90 days old/);
		expect(validateConversion({ ...base, clickTime: '2026-09-10T00:00:00Z' }, NOW)).toBeTruthy();
		expect(issuesOf({ clickTime: '2026-11-30T20:00:00Z' })).toEqual([
			{ field: 'conversionTime', message: 'is before the click' },
		]);
	});

	it('wants a conversion time with a zone, not in the future', () => {
		expect(issuesOf({ conversionTime: '2026-11-30 14:05:00' })[0].field).toBe('conversionTime');
		expect(issuesOf({ conversionTime: 'yesterday' })[0].field).toBe('conversionTime');
		expect(issuesOf({ conversionTime: '2026-12-24T00:00:00Z' })).toEqual([
			{ field: 'conversionTime', message: 'is in the future' },
		]);
		const adsStyle = validateConversion(
			{ ...base, conversionTime: '2026-11-30 14:05:00-08:00' },
			NOW,
		);
		expect(adsStyle.conversionAt.toISOString()).toBe('2026-11-30T22:05:00.000Z');
	});

	it('wants a value of 0 or more with a 3-letter currency', () => {
		expect(issuesOf({ value: -1, currency: 'EUR' })[0]).toEqual({
			field: 'value',
			message: "'-1' is not an amount of 0 or more",
		});
		expect(issuesOf({ value: 10 })[0]).toEqual({
			field: 'currency',
			message: 'a value needs its currency (3 letters, e.g. EUR)',
		});
		expect(issuesOf({ value: 10, currency: 'EURO' })[0].field).toBe('currency');
		expect(validateConversion({ ...base, value: 0, currency: 'USD' }, NOW).value).toBe(0);
	});

	it('lists every wrong field at once, in a message naming them', () => {
		try {
			validateConversion(
				{ ...base, customerId: '12345', conversionAction: 'purchase', gclid: '', workspaceId: 'x' },
				NOW,
			);
			throw new Error('accepted');
		} catch (error) {
			const { issues, message } = error as ConversionValidationError;
			expect(issues.map((issue) => issue.field)).toEqual([
				'workspaceId',
				'customerId',
				'conversionAction',
				'gclid',
			]);
			expect(message).toMatch(/^The conversion cannot be uploaded: workspaceId: /);
		}
	});

	it('refuses a conversion action of another customer', () => {
		expect(issuesOf({ conversionAction: 'customers/9999999999/conversionActions/5' })).toEqual([
			{ field: 'conversionAction', message: 'belongs to customer 9999999999, not 1234567890' },
		]);
	});
});

describe('conversion time formats', () => {
	const date = parseZonedTime('2026-11-30T14:05:07.123+01:00')!;
	it('writes RFC 3339 for the Data Manager API', () => {
		expect(toRfc3339(date)).toBe('2026-11-30T13:05:07Z');
	});
	it('writes "yyyy-mm-dd hh:mm:ss+hh:mm" for the Google Ads API', () => {
		expect(toAdsDateTime(date)).toBe('2026-11-30 13:05:07+00:00');
	});
	it('reads offsets written without a colon', () => {
		expect(parseZonedTime('2026-11-30T14:05:00+0100')?.toISOString()).toBe(
			'2026-11-30T13:05:00.000Z',
		);
	});
});
