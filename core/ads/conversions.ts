// Offline conversions checked before they enter the outbox, so that what Google would refuse for
// its shape is refused here, field by field, while the user still has the CRM event in front of
// them: exactly one click id, a click no older than 90 days, a conversion time with a zone, a
// value that is not negative with its currency. Each API then gets the time in its own format.
import { createHash } from 'node:crypto';

export type ConversionUploadPath = 'data_manager' | 'click_conversions';

/** Google only attributes conversions of clicks up to 90 days old. */
export const MAX_CLICK_AGE_DAYS = 90;
const DAY_MS = 86_400_000;

export interface ConversionInput {
	workspaceId: string;
	customerId: string;
	/** The conversion action's id, or its resource name customers/{cid}/conversionActions/{id}. */
	conversionAction: string;
	gclid?: string | null;
	gbraid?: string | null;
	wbraid?: string | null;
	/** When the conversion happened: ISO 8601 / RFC 3339 with a zone, Ads' "yyyy-mm-dd hh:mm:ss+hh:mm", or a Date. */
	conversionTime: string | Date;
	/** When the ad was clicked, if the CRM knows it. */
	clickTime?: string | Date | null;
	value?: number | string | null;
	currency?: string | null;
	/** Order / transaction id: Google dedupes on it, and so does the outbox. */
	orderId?: string | null;
	uploadPath?: ConversionUploadPath;
	integrationId?: string | null;
}

export interface ValidatedConversion {
	workspaceId: string;
	integrationId: string | null;
	customerId: string;
	conversionActionId: string;
	gclid: string | null;
	gbraid: string | null;
	wbraid: string | null;
	conversionAt: Date;
	value: number | null;
	currency: string | null;
	orderId: string | null;
	uploadPath: ConversionUploadPath;
	dedupeKey: string;
}

export interface ConversionIssue {
	field: string;
	message: string;
}

export class ConversionValidationError extends Error {
	constructor(readonly issues: ConversionIssue[]) {
		super(
			`The conversion cannot be uploaded: ${issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ')}`,
		);
		this.name = 'ConversionValidationError';
	}
}

const blankToNull = (value: string | null | undefined) => {
	const text = typeof value === 'string' ? value.trim() : '';
	return text ? text : null;
};

// A zone is required: "2026-11-30 14:05" alone would be read in whichever zone the server runs in.
const ZONED_TIME =
	/^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}:?\d{2})$/i;

/** Reads a time with an explicit zone; undefined when it is not one. */
export function parseZonedTime(value: string | Date): Date | undefined {
	if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
	const text = String(value).trim();
	const match = ZONED_TIME.exec(text);
	if (!match) return undefined;
	const [, year, month, day, hour, minute, second = '00', fraction = '0', zone] = match;
	const offset = zone.toUpperCase() === 'Z' ? 'Z' : zone.replace(/^([+-]\d{2}):?(\d{2})$/, '$1:$2');
	const millis = fraction.slice(0, 3).padEnd(3, '0');
	const date = new Date(`${year}-${month}-${day}T${hour}:${minute}:${second}.${millis}${offset}`);
	return Number.isNaN(date.getTime()) ? undefined : date;
}

/** Data Manager's eventTimestamp: RFC 3339 in UTC, whole seconds. */
export function toRfc3339(date: Date): string {
	return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The Ads API's conversionDateTime: "yyyy-mm-dd hh:mm:ss+hh:mm" (written in UTC, +00:00). */
export function toAdsDateTime(date: Date): string {
	return `${date.toISOString().slice(0, 19).replace('T', ' ')}+00:00`;
}

/** Digits of a customer id (123-456-7890 → 1234567890), or undefined. */
function customerDigits(value: string): string | undefined {
	const digits = String(value ?? '')
		.replace(/^customers\//, '')
		.replace(/[\s-]/g, '');
	return /^\d{10}$/.test(digits) ? digits : undefined;
}

/**
 * Checks a conversion and returns it normalised, or throws a ConversionValidationError listing
 * every field that is wrong. `now` is the upload clock (the 90-day click window and times in the
 * future are judged against it).
 */
export function validateConversion(input: ConversionInput, now = new Date()): ValidatedConversion {
	const issues: ConversionIssue[] = [];
	const workspaceId = blankToNull(input.workspaceId);
	if (!workspaceId || !/^[0-9a-f-]{36}$/i.test(workspaceId)) {
		issues.push({ field: 'workspaceId', message: 'must be the workspace UUID' });
	}
	const customerId = customerDigits(input.customerId);
	if (!customerId) {
		issues.push({
			field: 'customerId',
			message: `'${input.customerId ?? ''}' is not a Google Ads customer id (10 digits, e.g. 123-456-7890)`,
		});
	}
	const action = blankToNull(input.conversionAction);
	const actionMatch = action
		? /^(?:customers\/(\d+)\/conversionActions\/)?(\d+)$/.exec(action)
		: null;
	if (!actionMatch) {
		issues.push({
			field: 'conversionAction',
			message: 'must be a conversion action id or customers/{customerId}/conversionActions/{id}',
		});
	} else if (actionMatch[1] && customerId && actionMatch[1] !== customerId) {
		issues.push({
			field: 'conversionAction',
			message: `belongs to customer ${actionMatch[1]}, not ${customerId}`,
		});
	}

	const clickIds = {
		gclid: blankToNull(input.gclid),
		gbraid: blankToNull(input.gbraid),
		wbraid: blankToNull(input.wbraid),
	};
	const given = Object.entries(clickIds).filter(([, value]) => value !== null);
	if (given.length !== 1) {
		issues.push({
			field: 'gclid',
			message:
				given.length === 0
					? 'one click id is needed: gclid, gbraid or wbraid'
					: `give exactly one of gclid, gbraid and wbraid, not ${given.map(([name]) => name).join(' and ')}`,
		});
	}

	const conversionAt =
		input.conversionTime === undefined ||
		input.conversionTime === null ||
		input.conversionTime === ''
			? undefined
			: parseZonedTime(input.conversionTime);
	if (!conversionAt) {
		issues.push({
			field: 'conversionTime',
			message: `'${String(input.conversionTime ?? '')}' is not a time with a zone (e.g. 2026-11-30T14:05:00Z or 2026-11-30 14:05:00+01:00)`,
		});
	} else if (conversionAt.getTime() > now.getTime() + 5 * 60_000) {
		issues.push({ field: 'conversionTime', message: 'is in the future' });
	}

	const clickTimeGiven =
		input.clickTime !== undefined && input.clickTime !== null && input.clickTime !== '';
	if (clickTimeGiven) {
		const clickAt = parseZonedTime(input.clickTime as string | Date);
		if (!clickAt) {
			issues.push({ field: 'clickTime', message: 'is not a time with a zone' });
		} else {
			const ageDays = (now.getTime() - clickAt.getTime()) / DAY_MS;
			if (ageDays > MAX_CLICK_AGE_DAYS) {
				issues.push({
					field: 'clickTime',
					message: `the click is ${Math.floor(ageDays)} days old; Google accepts conversions of clicks up to ${MAX_CLICK_AGE_DAYS} days old`,
				});
			}
			if (conversionAt && conversionAt.getTime() < clickAt.getTime()) {
				issues.push({ field: 'conversionTime', message: 'is before the click' });
			}
		}
	}

	let value: number | null = null;
	if (input.value !== undefined && input.value !== null && input.value !== '') {
		value = typeof input.value === 'number' ? input.value : Number(String(input.value).trim());
		if (!Number.isFinite(value) || value < 0) {
			issues.push({ field: 'value', message: `'${input.value}' is not an amount of 0 or more` });
			value = null;
		}
	}
	const currency = blankToNull(input.currency)?.toUpperCase() ?? null;
	if (currency && !/^[A-Z]{3}$/.test(currency)) {
		issues.push({
			field: 'currency',
			message: `'${input.currency}' is not a 3-letter ISO 4217 code`,
		});
	} else if (value !== null && !currency) {
		issues.push({ field: 'currency', message: 'a value needs its currency (3 letters, e.g. EUR)' });
	}

	const orderId = blankToNull(input.orderId);
	if (orderId && orderId.length > 100) {
		issues.push({ field: 'orderId', message: 'is longer than 100 characters' });
	}
	const uploadPath = input.uploadPath ?? 'data_manager';
	if (uploadPath !== 'data_manager' && uploadPath !== 'click_conversions') {
		issues.push({ field: 'uploadPath', message: 'must be data_manager or click_conversions' });
	}

	if (issues.length > 0) throw new ConversionValidationError(issues);
	const conversionActionId = actionMatch![2];
	const [clickIdName, clickIdValue] = given[0];
	// The order id dedupes (as Google does); without one, the same click, action and time is the
	// same conversion.
	const dedupeKey = orderId
		? `order:${customerId}:${conversionActionId}:${orderId}`
		: `click:${createHash('sha256')
				.update(
					[
						customerId,
						conversionActionId,
						clickIdName,
						clickIdValue,
						conversionAt!.toISOString(),
					].join('|'),
				)
				.digest('hex')}`;
	return {
		workspaceId: workspaceId!,
		integrationId: blankToNull(input.integrationId ?? null),
		customerId: customerId!,
		conversionActionId,
		gclid: clickIds.gclid,
		gbraid: clickIds.gbraid,
		wbraid: clickIds.wbraid,
		conversionAt: conversionAt!,
		value,
		currency,
		orderId,
		uploadPath,
		dedupeKey,
	};
}
