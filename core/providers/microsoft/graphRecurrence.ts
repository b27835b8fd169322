// Graph's patternedRecurrence (v1.0 reference) in the RFC 5545 form records keep.

export interface GraphPatternedRecurrence {
	pattern?: {
		type?: string;
		interval?: number;
		daysOfWeek?: string[];
		dayOfMonth?: number;
		month?: number;
		index?: string;
		firstDayOfWeek?: string;
	} | null;
	range?: {
		type?: string;
		startDate?: string;
		endDate?: string;
		numberOfOccurrences?: number;
	} | null;
}

const WEEKDAYS: Record<string, string> = {
	sunday: 'SU',
	monday: 'MO',
	tuesday: 'TU',
	wednesday: 'WE',
	thursday: 'TH',
	friday: 'FR',
	saturday: 'SA',
};
const WEEK_INDEX: Record<string, number> = { first: 1, second: 2, third: 3, fourth: 4, last: -1 };

/**
 * Graph's patternedRecurrence as an RFC 5545 RRULE line, the form records keep (Google's own).
 * Empty when the event does not recur or the pattern is not one Graph documents.
 */
export function recurrenceToRRule(
	recurrence: GraphPatternedRecurrence | null | undefined,
): string[] {
	const pattern = recurrence?.pattern;
	if (!pattern?.type) return [];
	const days = (pattern.daysOfWeek ?? []).map((day) => WEEKDAYS[day.toLowerCase()]).filter(Boolean);
	const index = WEEK_INDEX[(pattern.index ?? 'first').toLowerCase()] ?? 1;
	const parts: string[] = [];
	switch (pattern.type) {
		case 'daily':
			parts.push('FREQ=DAILY');
			break;
		case 'weekly':
			parts.push('FREQ=WEEKLY');
			if (days.length) parts.push(`BYDAY=${days.join(',')}`);
			if (pattern.firstDayOfWeek && WEEKDAYS[pattern.firstDayOfWeek.toLowerCase()])
				parts.push(`WKST=${WEEKDAYS[pattern.firstDayOfWeek.toLowerCase()]}`);
			break;
		case 'absoluteMonthly':
			parts.push('FREQ=MONTHLY', `BYMONTHDAY=${pattern.dayOfMonth ?? 1}`);
			break;
		case 'relativeMonthly':
			parts.push('FREQ=MONTHLY', `BYDAY=${days.map((day) => `${index}${day}`).join(',')}`);
			break;
		case 'absoluteYearly':
			parts.push(
				'FREQ=YEARLY',
				`BYMONTH=${pattern.month ?? 1}`,
				`BYMONTHDAY=${pattern.dayOfMonth ?? 1}`,
			);
			break;
		case 'relativeYearly':
			parts.push(
				'FREQ=YEARLY',
				`BYMONTH=${pattern.month ?? 1}`,
				`BYDAY=${days.map((day) => `${index}${day}`).join(',')}`,
			);
			break;
		default:
			return [];
	}
	if ((pattern.interval ?? 1) > 1) parts.push(`INTERVAL=${pattern.interval}`);
	const range = recurrence?.range;
	if (range?.type === 'endDate' && range.endDate)
		parts.push(`UNTIL=${range.endDate.replace(/-/g, '')}`);
	else if (range?.type === 'numbered' && range.numberOfOccurrences)
		parts.push(`COUNT=${range.numberOfOccurrences}`);
	return [`RRULE:${parts.join(';')}`];
}
