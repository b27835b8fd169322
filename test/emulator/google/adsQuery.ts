/**
 * The Google Ads Query Language (GAQL) subset the emulator answers: SELECT fields of campaign,
 * campaign_budget, customer, customer_client and conversion_action, the metrics impressions,
 * clicks, cost_micros, conversions, conversions_value, ctr, average_cpc, cost_per_conversion and
 * the segment segments.date; FROM one of those resources; WHERE conditions joined by AND (=, !=,
 * <, <=, >, >=, IN, NOT IN, LIKE, NOT LIKE (case-insensitive), REGEXP_MATCH, NOT REGEXP_MATCH,
 * BETWEEN, DURING, IS NULL, IS NOT NULL); ORDER BY; LIMIT. Rows come back in the REST JSON shape (camelCase, int64 as strings, enums as names).
 * Metrics are summed per row over the filtered dates unless segments.date is selected, which
 * gives one row per day with traffic. A query outside the subset fails with a GaqlError carrying
 * the QueryError code Google reports for it.
 */
import {
	addDays,
	dateOfDay,
	dayNumber,
	type DailyMetrics,
	type GeneratedBudget,
	type GeneratedCampaign,
	type GeneratedConversionAction,
	type GeneratedCustomer,
} from '../generator/campaigns';

export class GaqlError extends Error {
	constructor(
		readonly code: string,
		message: string,
		readonly trigger?: string,
	) {
		super(message);
	}
}

/** What a query runs against: one customer's view of the sandbox. */
export interface QueryWorld {
	customer: GeneratedCustomer;
	/** The customer itself and, for a manager, its clients (customer_client). */
	hierarchy: GeneratedCustomer[];
	campaigns: GeneratedCampaign[];
	budgets: GeneratedBudget[];
	conversionActions: GeneratedConversionAction[];
	/** Account-local date of the emulator clock. */
	today: string;
	/** First date with generated metrics. */
	historyStart: string;
	metricsFor(campaign: GeneratedCampaign, date: string): DailyMetrics;
}

type Resource =
	| 'campaign'
	| 'campaign_budget'
	| 'customer'
	| 'customer_client'
	| 'conversion_action';
type FieldType = 'int64' | 'double' | 'string' | 'enum' | 'date' | 'bool' | 'resource';

interface RowContext {
	world: QueryWorld;
	campaign?: GeneratedCampaign;
	budget?: GeneratedBudget;
	client?: GeneratedCustomer;
	conversionAction?: GeneratedConversionAction;
	date?: string;
	metrics?: DailyMetrics;
}

interface FieldDef {
	type: FieldType;
	enumValues?: readonly string[];
	get(row: RowContext): unknown;
}

const CAMPAIGN_STATUSES = ['ENABLED', 'PAUSED', 'REMOVED', 'UNKNOWN', 'UNSPECIFIED'] as const;
const CHANNEL_TYPES = [
	'SEARCH',
	'DISPLAY',
	'SHOPPING',
	'HOTEL',
	'VIDEO',
	'MULTI_CHANNEL',
	'LOCAL',
	'SMART',
	'PERFORMANCE_MAX',
	'LOCAL_SERVICES',
	'TRAVEL',
	'DEMAND_GEN',
	'UNKNOWN',
	'UNSPECIFIED',
] as const;
const NO_END_DATE = '2037-12-30';

const campaignOf = (row: RowContext): GeneratedCampaign => row.campaign!;
const budgetOf = (row: RowContext): GeneratedBudget | undefined => row.budget;

/** Every field the subset knows, by its GAQL name. */
export const GAQL_FIELDS: Record<string, FieldDef> = {
	'campaign.resource_name': {
		type: 'resource',
		get: (r) => `customers/${campaignOf(r).customerId}/campaigns/${campaignOf(r).id}`,
	},
	'campaign.id': { type: 'int64', get: (r) => campaignOf(r).id },
	'campaign.name': { type: 'string', get: (r) => campaignOf(r).name },
	'campaign.status': {
		type: 'enum',
		enumValues: CAMPAIGN_STATUSES,
		get: (r) => campaignOf(r).status,
	},
	'campaign.advertising_channel_type': {
		type: 'enum',
		enumValues: CHANNEL_TYPES,
		get: (r) => campaignOf(r).advertisingChannelType,
	},
	'campaign.bidding_strategy_type': {
		type: 'enum',
		get: (r) => campaignOf(r).biddingStrategyType,
	},
	'campaign.start_date': { type: 'date', get: (r) => campaignOf(r).startDate },
	'campaign.end_date': { type: 'date', get: (r) => campaignOf(r).endDate ?? NO_END_DATE },
	'campaign.start_date_time': {
		type: 'string',
		get: (r) => `${campaignOf(r).startDate} 00:00:00`,
	},
	'campaign.end_date_time': {
		type: 'string',
		get: (r) => `${campaignOf(r).endDate ?? NO_END_DATE} 23:59:59`,
	},
	'campaign.campaign_budget': {
		type: 'resource',
		get: (r) => `customers/${campaignOf(r).customerId}/campaignBudgets/${campaignOf(r).budgetId}`,
	},
	'campaign_budget.resource_name': {
		type: 'resource',
		get: (r) =>
			budgetOf(r) && `customers/${budgetOf(r)!.customerId}/campaignBudgets/${budgetOf(r)!.id}`,
	},
	'campaign_budget.id': { type: 'int64', get: (r) => budgetOf(r)?.id },
	'campaign_budget.name': { type: 'string', get: (r) => budgetOf(r)?.name },
	'campaign_budget.amount_micros': { type: 'int64', get: (r) => budgetOf(r)?.amountMicros },
	'campaign_budget.delivery_method': {
		type: 'enum',
		enumValues: ['STANDARD', 'ACCELERATED', 'UNKNOWN', 'UNSPECIFIED'],
		get: (r) => budgetOf(r)?.deliveryMethod,
	},
	'campaign_budget.explicitly_shared': { type: 'bool', get: (r) => budgetOf(r)?.explicitlyShared },
	'campaign_budget.status': {
		type: 'enum',
		enumValues: ['ENABLED', 'REMOVED', 'UNKNOWN', 'UNSPECIFIED'],
		get: (r) => budgetOf(r)?.status,
	},
	'customer.resource_name': { type: 'resource', get: (r) => `customers/${r.world.customer.id}` },
	'customer.id': { type: 'int64', get: (r) => r.world.customer.id },
	'customer.descriptive_name': { type: 'string', get: (r) => r.world.customer.descriptiveName },
	'customer.currency_code': { type: 'string', get: (r) => r.world.customer.currencyCode },
	'customer.time_zone': { type: 'string', get: (r) => r.world.customer.timeZone },
	'customer.manager': { type: 'bool', get: (r) => r.world.customer.manager },
	'customer_client.resource_name': {
		type: 'resource',
		get: (r) => `customers/${r.world.customer.id}/customerClients/${r.client!.id}`,
	},
	'customer_client.client_customer': { type: 'resource', get: (r) => `customers/${r.client!.id}` },
	'customer_client.id': { type: 'int64', get: (r) => r.client!.id },
	'customer_client.descriptive_name': { type: 'string', get: (r) => r.client!.descriptiveName },
	'customer_client.currency_code': { type: 'string', get: (r) => r.client!.currencyCode },
	'customer_client.time_zone': { type: 'string', get: (r) => r.client!.timeZone },
	'customer_client.manager': { type: 'bool', get: (r) => r.client!.manager },
	'customer_client.level': {
		type: 'int64',
		get: (r) => (r.client!.id === r.world.customer.id ? 0 : 1),
	},
	'customer_client.status': {
		type: 'enum',
		enumValues: ['ENABLED', 'CANCELED', 'SUSPENDED', 'CLOSED', 'UNKNOWN', 'UNSPECIFIED'],
		get: () => 'ENABLED',
	},
	'conversion_action.resource_name': {
		type: 'resource',
		get: (r) =>
			`customers/${r.conversionAction!.customerId}/conversionActions/${r.conversionAction!.id}`,
	},
	'conversion_action.id': { type: 'int64', get: (r) => r.conversionAction!.id },
	'conversion_action.name': { type: 'string', get: (r) => r.conversionAction!.name },
	'conversion_action.type': { type: 'enum', get: (r) => r.conversionAction!.type },
	'conversion_action.status': { type: 'enum', get: (r) => r.conversionAction!.status },
	'conversion_action.category': { type: 'enum', get: (r) => r.conversionAction!.category },
	'conversion_action.click_through_lookback_window_days': {
		type: 'int64',
		get: (r) => r.conversionAction!.clickThroughLookbackWindowDays,
	},
	'metrics.impressions': { type: 'int64', get: (r) => r.metrics!.impressions },
	'metrics.clicks': { type: 'int64', get: (r) => r.metrics!.clicks },
	'metrics.cost_micros': { type: 'int64', get: (r) => r.metrics!.costMicros },
	'metrics.conversions': { type: 'double', get: (r) => round(r.metrics!.conversions) },
	'metrics.conversions_value': { type: 'double', get: (r) => round(r.metrics!.conversionsValue) },
	'metrics.ctr': {
		type: 'double',
		get: (r) => (r.metrics!.impressions ? r.metrics!.clicks / r.metrics!.impressions : 0),
	},
	'metrics.average_cpc': {
		type: 'double',
		get: (r) => (r.metrics!.clicks ? r.metrics!.costMicros / r.metrics!.clicks : 0),
	},
	'metrics.cost_per_conversion': {
		type: 'double',
		get: (r) => (r.metrics!.conversions ? r.metrics!.costMicros / r.metrics!.conversions : 0),
	},
	'segments.date': { type: 'date', get: (r) => r.date },
};

function round(value: number): number {
	return Math.round(value * 1e6) / 1e6;
}

/** Which resources' fields, metrics and segments each FROM resource accepts. */
const FROM_RULES: Record<Resource, { resources: string[]; metrics: boolean; segments: boolean }> = {
	campaign: {
		resources: ['campaign', 'campaign_budget', 'customer'],
		metrics: true,
		segments: true,
	},
	campaign_budget: { resources: ['campaign_budget', 'customer'], metrics: false, segments: false },
	customer: { resources: ['customer'], metrics: true, segments: true },
	customer_client: { resources: ['customer_client', 'customer'], metrics: false, segments: false },
	conversion_action: {
		resources: ['conversion_action', 'customer'],
		metrics: false,
		segments: false,
	},
};

// --- parsing ---

type Literal = { kind: 'string' | 'number' | 'word'; text: string };
type Operator =
	| '='
	| '!='
	| '<'
	| '<='
	| '>'
	| '>='
	| 'IN'
	| 'NOT IN'
	| 'LIKE'
	| 'NOT LIKE'
	| 'REGEXP_MATCH'
	| 'NOT REGEXP_MATCH'
	| 'BETWEEN'
	| 'DURING'
	| 'IS NULL'
	| 'IS NOT NULL';

export interface Condition {
	field: string;
	operator: Operator;
	values: Literal[];
}

export interface ParsedQuery {
	select: string[];
	from: Resource;
	where: Condition[];
	orderBy: { field: string; descending: boolean }[];
	limit?: number;
}

interface Token {
	kind: 'word' | 'string' | 'number' | 'symbol';
	text: string;
	at: number;
}

function tokenize(query: string): Token[] {
	const tokens: Token[] = [];
	let i = 0;
	while (i < query.length) {
		const c = query[i]!;
		if (/\s/.test(c)) {
			i++;
			continue;
		}
		if (c === "'" || c === '"') {
			let j = i + 1;
			let text = '';
			while (j < query.length && query[j] !== c) {
				if (query[j] === '\n') {
					throw new GaqlError(
						'PROHIBITED_NEWLINE_IN_STRING',
						'Error in query: a string contains a newline character.',
					);
				}
				if (query[j] === '\\' && j + 1 < query.length) j++;
				text += query[j];
				j++;
			}
			if (j >= query.length) {
				throw new GaqlError(
					'STRING_NOT_TERMINATED',
					`Error in query: string not terminated at position ${i}.`,
					query.slice(i),
				);
			}
			tokens.push({ kind: 'string', text, at: i });
			i = j + 1;
			continue;
		}
		const number = /^-?\d+(\.\d+)?/.exec(query.slice(i));
		if (number && (c !== '-' || /\d/.test(query[i + 1] ?? ''))) {
			tokens.push({ kind: 'number', text: number[0], at: i });
			i += number[0].length;
			continue;
		}
		const word = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(query.slice(i));
		if (word) {
			tokens.push({ kind: 'word', text: word[0], at: i });
			i += word[0].length;
			continue;
		}
		const symbol = /^(!=|>=|<=|=|<|>|\(|\)|,)/.exec(query.slice(i));
		if (symbol) {
			tokens.push({ kind: 'symbol', text: symbol[0], at: i });
			i += symbol[0].length;
			continue;
		}
		throw new GaqlError('UNEXPECTED_INPUT', `Error in query: unexpected input ${c}.`, c);
	}
	return tokens;
}

class Cursor {
	private i = 0;
	constructor(private readonly tokens: Token[]) {}
	peek(): Token | undefined {
		return this.tokens[this.i];
	}
	next(): Token {
		const token = this.tokens[this.i++];
		if (!token)
			throw new GaqlError('UNEXPECTED_END_OF_QUERY', 'Error in query: unexpected end of query.');
		return token;
	}
	isKeyword(...words: string[]): boolean {
		const token = this.peek();
		return token?.kind === 'word' && words.includes(token.text.toUpperCase());
	}
	keyword(word: string, code = 'UNEXPECTED_INPUT'): void {
		const token = this.next();
		if (token.kind !== 'word' || token.text.toUpperCase() !== word) {
			throw new GaqlError(code, `Error in query: expected ${word}, got ${token.text}.`, token.text);
		}
	}
	symbol(text: string): void {
		const token = this.next();
		if (token.kind !== 'symbol' || token.text !== text) {
			throw new GaqlError(
				'UNEXPECTED_INPUT',
				`Error in query: expected '${text}', got ${token.text}.`,
				token.text,
			);
		}
	}
	done(): boolean {
		return this.i >= this.tokens.length;
	}
}

const KEYWORDS = new Set([
	'SELECT',
	'FROM',
	'WHERE',
	'AND',
	'ORDER',
	'BY',
	'LIMIT',
	'ASC',
	'DESC',
	'PARAMETERS',
]);

function fieldName(cursor: Cursor, clause: string): string {
	const token = cursor.next();
	if (token.kind !== 'word' || KEYWORDS.has(token.text.toUpperCase())) {
		throw new GaqlError(
			'UNEXPECTED_INPUT',
			`Error in ${clause} clause: unexpected input ${token.text}.`,
			token.text,
		);
	}
	const name = token.text.toLowerCase();
	if (!GAQL_FIELDS[name]) {
		throw new GaqlError(
			'UNRECOGNIZED_FIELD',
			`Error in ${clause} clause: unrecognized field '${token.text}'.`,
			token.text,
		);
	}
	return name;
}

function literal(cursor: Cursor): Literal {
	const token = cursor.next();
	if (token.kind === 'string') return { kind: 'string', text: token.text };
	if (token.kind === 'number') return { kind: 'number', text: token.text };
	if (token.kind === 'word' && !KEYWORDS.has(token.text.toUpperCase()))
		return { kind: 'word', text: token.text };
	throw new GaqlError(
		'UNEXPECTED_INPUT',
		`Error in WHERE clause: unexpected input ${token.text}.`,
		token.text,
	);
}

export function parseGaql(query: string): ParsedQuery {
	if (typeof query !== 'string' || query.trim() === '') {
		throw new GaqlError('EXPECTED_SELECT', 'Error in query: expected SELECT.');
	}
	const cursor = new Cursor(tokenize(query));
	cursor.keyword('SELECT', 'EXPECTED_SELECT');
	const select: string[] = [];
	for (;;) {
		const name = fieldName(cursor, 'SELECT');
		if (!select.includes(name)) select.push(name);
		if (cursor.peek()?.text !== ',') break;
		cursor.next();
	}
	if (!cursor.isKeyword('FROM')) {
		throw new GaqlError('EXPECTED_FROM', 'Error in query: expected FROM.', cursor.peek()?.text);
	}
	cursor.next();
	const fromToken = cursor.next();
	const from = fromToken.text.toLowerCase() as Resource;
	if (fromToken.kind !== 'word' || !FROM_RULES[from]) {
		throw new GaqlError(
			'PROHIBITED_RESOURCE_TYPE_IN_FROM_CLAUSE',
			`Error in FROM clause: invalid resource name '${fromToken.text}'.`,
			fromToken.text,
		);
	}
	const where: Condition[] = [];
	if (cursor.isKeyword('WHERE')) {
		cursor.next();
		for (;;) {
			where.push(condition(cursor));
			if (!cursor.isKeyword('AND')) break;
			cursor.next();
		}
	}
	const orderBy: ParsedQuery['orderBy'] = [];
	if (cursor.isKeyword('ORDER')) {
		cursor.next();
		cursor.keyword('BY');
		for (;;) {
			const field = fieldName(cursor, 'ORDER BY');
			let descending = false;
			if (cursor.isKeyword('ASC', 'DESC')) descending = cursor.next().text.toUpperCase() === 'DESC';
			orderBy.push({ field, descending });
			if (cursor.peek()?.text !== ',') break;
			cursor.next();
		}
	}
	let limit: number | undefined;
	if (cursor.isKeyword('LIMIT')) {
		cursor.next();
		const token = cursor.next();
		if (token.kind !== 'number' || !/^-?\d+$/.test(token.text)) {
			throw new GaqlError(
				'UNEXPECTED_INPUT',
				`Error in LIMIT clause: unexpected input ${token.text}.`,
				token.text,
			);
		}
		limit = Number(token.text);
		if (limit <= 0)
			throw new GaqlError(
				'LIMIT_VALUE_TOO_LOW',
				'Error in LIMIT clause: the limit value is too low.',
				token.text,
			);
	}
	if (cursor.isKeyword('PARAMETERS')) {
		// include_drafts / omit_unselected_resource_names: accepted and ignored.
		cursor.next();
		while (!cursor.done()) cursor.next();
	}
	if (!cursor.done()) {
		const token = cursor.next();
		throw new GaqlError(
			'UNEXPECTED_INPUT',
			`Error in query: unexpected input ${token.text}.`,
			token.text,
		);
	}
	validate({ select, from, where, orderBy, limit });
	return { select, from, where, orderBy, limit };
}

function condition(cursor: Cursor): Condition {
	const field = fieldName(cursor, 'WHERE');
	const token = cursor.next();
	const upper = token.text.toUpperCase();
	if (token.kind === 'symbol' && ['=', '!=', '<', '<=', '>', '>='].includes(token.text)) {
		return { field, operator: token.text as Operator, values: [literal(cursor)] };
	}
	if (token.kind !== 'word') {
		throw new GaqlError(
			'UNEXPECTED_INPUT',
			`Error in WHERE clause: unexpected input ${token.text}.`,
			token.text,
		);
	}
	const list = (): Literal[] => {
		cursor.symbol('(');
		const values: Literal[] = [];
		if (cursor.peek()?.text === ')') {
			throw new GaqlError(
				'PROHIBITED_EMPTY_LIST_IN_CONDITION',
				'Error in WHERE clause: empty list.',
				field,
			);
		}
		for (;;) {
			values.push(literal(cursor));
			if (cursor.peek()?.text !== ',') break;
			cursor.next();
		}
		cursor.symbol(')');
		return values;
	};
	switch (upper) {
		case 'IN':
			return { field, operator: 'IN', values: list() };
		case 'LIKE':
			return { field, operator: 'LIKE', values: [literal(cursor)] };
		case 'REGEXP_MATCH':
			return { field, operator: 'REGEXP_MATCH', values: [literal(cursor)] };
		case 'NOT': {
			const next = cursor.next().text.toUpperCase();
			if (next === 'IN') return { field, operator: 'NOT IN', values: list() };
			if (next === 'LIKE') return { field, operator: 'NOT LIKE', values: [literal(cursor)] };
			if (next === 'REGEXP_MATCH') {
				return { field, operator: 'NOT REGEXP_MATCH', values: [literal(cursor)] };
			}
			throw new GaqlError(
				'UNEXPECTED_INPUT',
				`Error in WHERE clause: unexpected input NOT ${next}.`,
				next,
			);
		}
		case 'BETWEEN': {
			const low = literal(cursor);
			if (!cursor.isKeyword('AND')) {
				throw new GaqlError(
					'EXPECTED_VALUE_WITH_BETWEEN_OPERATOR',
					'Error in WHERE clause: BETWEEN expects two values joined by AND.',
					field,
				);
			}
			cursor.next();
			return { field, operator: 'BETWEEN', values: [low, literal(cursor)] };
		}
		case 'DURING':
			return { field, operator: 'DURING', values: [literal(cursor)] };
		case 'IS': {
			if (cursor.isKeyword('NOT')) {
				cursor.next();
				cursor.keyword('NULL');
				return { field, operator: 'IS NOT NULL', values: [] };
			}
			cursor.keyword('NULL');
			return { field, operator: 'IS NULL', values: [] };
		}
		default:
			throw new GaqlError(
				'UNEXPECTED_INPUT',
				`Error in WHERE clause: unexpected input ${token.text}.`,
				token.text,
			);
	}
}

const DURING_RANGES = [
	'TODAY',
	'YESTERDAY',
	'LAST_7_DAYS',
	'LAST_14_DAYS',
	'LAST_30_DAYS',
	'THIS_MONTH',
	'LAST_MONTH',
	'THIS_WEEK_MON_TODAY',
	'THIS_WEEK_SUN_TODAY',
	'LAST_WEEK_MON_SUN',
	'LAST_WEEK_SUN_SAT',
	'LAST_BUSINESS_WEEK',
];

function validate(query: ParsedQuery): void {
	const rules = FROM_RULES[query.from];
	const check = (field: string, clause: 'SELECT' | 'WHERE' | 'ORDER BY') => {
		const resource = field.split('.')[0]!;
		if (resource === 'metrics') {
			if (!rules.metrics) {
				throw new GaqlError(
					'PROHIBITED_METRIC_IN_SELECT_OR_WHERE_CLAUSE',
					`Error in ${clause} clause: metric '${field}' cannot be selected with resource '${query.from}'.`,
					field,
				);
			}
			return;
		}
		if (resource === 'segments') {
			if (!rules.segments) {
				throw new GaqlError(
					'PROHIBITED_SEGMENT_IN_SELECT_OR_WHERE_CLAUSE',
					`Error in ${clause} clause: segment '${field}' cannot be selected with resource '${query.from}'.`,
					field,
				);
			}
			return;
		}
		if (!rules.resources.includes(resource)) {
			throw new GaqlError(
				clause === 'SELECT'
					? 'PROHIBITED_RESOURCE_TYPE_IN_SELECT_CLAUSE'
					: 'PROHIBITED_RESOURCE_TYPE_IN_WHERE_CLAUSE',
				`Error in ${clause} clause: field '${field}' of resource '${resource}' is not compatible with FROM ${query.from}.`,
				field,
			);
		}
	};
	for (const field of query.select) check(field, 'SELECT');
	for (const { field } of query.orderBy) check(field, 'ORDER BY');
	for (const condition of query.where) {
		check(condition.field, 'WHERE');
		const def = GAQL_FIELDS[condition.field]!;
		if (condition.operator === 'DURING') {
			if (def.type !== 'date' || condition.field !== 'segments.date') {
				throw new GaqlError(
					'OPERATOR_FIELD_MISMATCH',
					`Error in WHERE clause: DURING cannot be used with '${condition.field}'.`,
					condition.field,
				);
			}
			const range = condition.values[0]!.text.toUpperCase();
			if (condition.values[0]!.kind !== 'word' || !DURING_RANGES.includes(range)) {
				throw new GaqlError(
					'INVALID_VALUE_WITH_DURING_OPERATOR',
					`Error in WHERE clause: invalid value '${condition.values[0]!.text}' for DURING.`,
					condition.values[0]!.text,
				);
			}
			continue;
		}
		if (
			['LIKE', 'NOT LIKE', 'REGEXP_MATCH', 'NOT REGEXP_MATCH'].includes(condition.operator) &&
			def.type !== 'string'
		) {
			throw new GaqlError(
				'OPERATOR_FIELD_MISMATCH',
				`Error in WHERE clause: ${condition.operator} cannot be used with '${condition.field}'.`,
				condition.field,
			);
		}
		if (condition.operator.endsWith('REGEXP_MATCH')) {
			try {
				regexpPattern(condition.values[0]!.text);
			} catch {
				throw new GaqlError(
					'INVALID_STRING_VALUE',
					`Error in WHERE clause: invalid regular expression '${condition.values[0]!.text}'.`,
					condition.values[0]!.text,
				);
			}
		}
		for (const value of condition.values) {
			if (def.type === 'date' && !/^\d{4}-\d{2}-\d{2}$/.test(value.text)) {
				throw new GaqlError(
					'INVALID_DATE_FORMAT',
					`Error in WHERE clause: invalid date '${value.text}', expected YYYY-MM-DD.`,
					value.text,
				);
			}
			if (
				def.type === 'enum' &&
				def.enumValues &&
				!def.enumValues.includes(value.text.toUpperCase())
			) {
				throw new GaqlError(
					'BAD_ENUM_CONSTANT',
					`Error in WHERE clause: invalid enum value '${value.text}' for '${condition.field}'.`,
					value.text,
				);
			}
			if ((def.type === 'int64' || def.type === 'double') && !/^-?\d+(\.\d+)?$/.test(value.text)) {
				throw new GaqlError(
					'INVALID_STRING_VALUE',
					`Error in WHERE clause: '${value.text}' is not a number for '${condition.field}'.`,
					value.text,
				);
			}
		}
	}
	if (query.select.includes('segments.date') && !hasFiniteDateRange(query.where)) {
		throw new GaqlError(
			'EXPECTED_FILTERS_ON_DATE_RANGE',
			'Error in query: a finite date range filter on segments.date is required when segments.date is selected.',
			'segments.date',
		);
	}
}

function hasFiniteDateRange(where: Condition[]): boolean {
	const onDate = where.filter((c) => c.field === 'segments.date');
	if (onDate.some((c) => ['DURING', 'BETWEEN', '=', 'IN'].includes(c.operator))) return true;
	return (
		onDate.some((c) => c.operator === '>' || c.operator === '>=') &&
		onDate.some((c) => c.operator === '<' || c.operator === '<=')
	);
}

// --- evaluation ---

/** [first, last] dates (inclusive) of a DURING range relative to `today`. */
export function duringRange(range: string, today: string): [string, string] {
	const day = dayNumber(today);
	const weekday = new Date(day * 86_400_000).getUTCDay(); // 0 = Sunday
	const mondayOffset = (weekday + 6) % 7;
	const [y, m] = today.split('-').map(Number) as [number, number];
	switch (range) {
		case 'TODAY':
			return [today, today];
		case 'YESTERDAY':
			return [addDays(today, -1), addDays(today, -1)];
		case 'LAST_7_DAYS':
			return [addDays(today, -7), addDays(today, -1)];
		case 'LAST_14_DAYS':
			return [addDays(today, -14), addDays(today, -1)];
		case 'LAST_30_DAYS':
			return [addDays(today, -30), addDays(today, -1)];
		case 'THIS_MONTH':
			return [`${today.slice(0, 8)}01`, today];
		case 'LAST_MONTH': {
			const first = new Date(Date.UTC(y, m - 2, 1)).toISOString().slice(0, 10);
			const last = new Date(Date.UTC(y, m - 1, 0)).toISOString().slice(0, 10);
			return [first, last];
		}
		case 'THIS_WEEK_MON_TODAY':
			return [dateOfDay(day - mondayOffset), today];
		case 'THIS_WEEK_SUN_TODAY':
			return [dateOfDay(day - weekday), today];
		case 'LAST_WEEK_MON_SUN':
			return [dateOfDay(day - mondayOffset - 7), dateOfDay(day - mondayOffset - 1)];
		case 'LAST_WEEK_SUN_SAT':
			return [dateOfDay(day - weekday - 7), dateOfDay(day - weekday - 1)];
		case 'LAST_BUSINESS_WEEK':
			return [dateOfDay(day - mondayOffset - 7), dateOfDay(day - mondayOffset - 3)];
		default:
			throw new GaqlError(
				'INVALID_VALUE_WITH_DURING_OPERATOR',
				`Error in WHERE clause: invalid value '${range}' for DURING.`,
				range,
			);
	}
}

function compare(a: unknown, b: unknown, type: FieldType): number {
	if (a === undefined || a === null) return b === undefined || b === null ? 0 : -1;
	if (b === undefined || b === null) return 1;
	if (type === 'int64' || type === 'double') return Number(a) - Number(b);
	if (type === 'bool') return Number(a) - Number(b);
	return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

function literalValue(value: Literal, type: FieldType): unknown {
	if (type === 'bool') return value.text.toUpperCase() === 'TRUE';
	if (type === 'enum') return value.text.toUpperCase();
	return value.text;
}

function likePattern(pattern: string): RegExp {
	let source = '';
	for (let i = 0; i < pattern.length; i++) {
		const c = pattern[i]!;
		if (c === '[' && pattern[i + 2] === ']') {
			source += pattern[i + 1]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
			i += 2;
		} else if (c === '%') source += '.*';
		else if (c === '_') source += '.';
		else source += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	}
	// LIKE is case-insensitive in GAQL (=, IN and REGEXP_MATCH are not).
	return new RegExp(`^${source}$`, 'si');
}

/** REGEXP_MATCH: RE2, matching the whole value; a leading (?i) makes it case-insensitive. */
function regexpPattern(pattern: string): RegExp {
	const insensitive = pattern.startsWith('(?i)');
	return new RegExp(`^(?:${insensitive ? pattern.slice(4) : pattern})$`, insensitive ? 'si' : 's');
}

function matches(condition: Condition, row: RowContext, today: string): boolean {
	const def = GAQL_FIELDS[condition.field]!;
	const actual = def.get(row);
	const values = condition.values.map((v) => literalValue(v, def.type));
	switch (condition.operator) {
		case '=':
			return compare(actual, values[0], def.type) === 0;
		case '!=':
			return compare(actual, values[0], def.type) !== 0;
		case '<':
			return compare(actual, values[0], def.type) < 0;
		case '<=':
			return compare(actual, values[0], def.type) <= 0;
		case '>':
			return compare(actual, values[0], def.type) > 0;
		case '>=':
			return compare(actual, values[0], def.type) >= 0;
		case 'IN':
			return values.some((v) => compare(actual, v, def.type) === 0);
		case 'NOT IN':
			return !values.some((v) => compare(actual, v, def.type) === 0);
		case 'LIKE':
			return typeof actual === 'string' && likePattern(String(values[0])).test(actual);
		case 'NOT LIKE':
			return typeof actual === 'string' && !likePattern(String(values[0])).test(actual);
		case 'REGEXP_MATCH':
			return typeof actual === 'string' && regexpPattern(String(values[0])).test(actual);
		case 'NOT REGEXP_MATCH':
			return typeof actual === 'string' && !regexpPattern(String(values[0])).test(actual);
		case 'BETWEEN':
			return compare(actual, values[0], def.type) >= 0 && compare(actual, values[1], def.type) <= 0;
		case 'DURING': {
			const [first, last] = duringRange(String(values[0]), today);
			return compare(actual, first, 'date') >= 0 && compare(actual, last, 'date') <= 0;
		}
		case 'IS NULL':
			return actual === undefined || actual === null;
		case 'IS NOT NULL':
			return actual !== undefined && actual !== null;
	}
}

function addMetrics(sum: DailyMetrics, day: DailyMetrics): void {
	sum.impressions += day.impressions;
	sum.clicks += day.clicks;
	sum.costMicros += day.costMicros;
	sum.conversions += day.conversions;
	sum.conversionsValue += day.conversionsValue;
}

const emptyMetrics = (): DailyMetrics => ({
	impressions: 0,
	clicks: 0,
	costMicros: 0,
	conversions: 0,
	conversionsValue: 0,
});

function snakeToCamel(name: string): string {
	return name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** The response's fieldMask: the selected fields, camelCase, comma separated. */
export function fieldMaskOf(query: ParsedQuery): string {
	return query.select.map((field) => field.split('.').map(snakeToCamel).join('.')).join(',');
}

/** Runs a parsed query; rows in the REST JSON shape, after ORDER BY and LIMIT. */
export function runGaql(query: ParsedQuery, world: QueryWorld): Record<string, unknown>[] {
	const usesMetrics = [
		...query.select,
		...query.where.map((c) => c.field),
		...query.orderBy.map((o) => o.field),
	].some((field) => field.startsWith('metrics.'));
	if (usesMetrics && world.customer.manager) {
		throw new GaqlError(
			'REQUESTED_METRICS_FOR_MANAGER',
			'Error in query: metrics cannot be requested for a manager account. To retrieve metrics, issue separate requests against each client account under the manager account.',
		);
	}
	const segmented = query.select.includes('segments.date');
	const dateConditions = query.where.filter((c) => c.field === 'segments.date');
	const otherConditions = query.where.filter((c) => c.field !== 'segments.date');
	// Dates the metrics cover: the generated history up to today, narrowed by the date filters.
	const dates: string[] = [];
	for (let day = dayNumber(world.historyStart); day <= dayNumber(world.today); day++) {
		const date = dateOfDay(day);
		if (dateConditions.every((c) => matches(c, { world, date }, world.today))) dates.push(date);
	}

	let base: RowContext[];
	switch (query.from) {
		case 'campaign':
		case 'customer': {
			const campaigns = query.from === 'campaign' ? world.campaigns : undefined;
			if (campaigns) {
				base = campaigns.map((campaign) => ({
					world,
					campaign,
					budget: world.budgets.find((b) => b.id === campaign.budgetId),
				}));
			} else {
				base = [{ world }];
			}
			if (usesMetrics || segmented) {
				const perCampaign = (row: RowContext) => (row.campaign ? [row.campaign] : world.campaigns);
				if (segmented) {
					base = base.flatMap((row) =>
						dates.flatMap((date) => {
							const metrics = emptyMetrics();
							for (const campaign of perCampaign(row))
								addMetrics(metrics, world.metricsFor(campaign, date));
							return metrics.impressions > 0 ? [{ ...row, date, metrics }] : [];
						}),
					);
				} else {
					base = base.map((row) => {
						const metrics = emptyMetrics();
						for (const campaign of perCampaign(row)) {
							for (const date of dates) addMetrics(metrics, world.metricsFor(campaign, date));
						}
						return { ...row, metrics };
					});
				}
			}
			break;
		}
		case 'campaign_budget':
			base = world.budgets.map((budget) => ({ world, budget }));
			break;
		case 'customer_client':
			base = world.hierarchy.map((client) => ({ world, client }));
			break;
		case 'conversion_action':
			base = world.conversionActions.map((conversionAction) => ({ world, conversionAction }));
			break;
	}

	let rows = base.filter((row) => otherConditions.every((c) => matches(c, row, world.today)));
	if (query.orderBy.length > 0) {
		rows = [...rows].sort((a, b) => {
			for (const { field, descending } of query.orderBy) {
				const def = GAQL_FIELDS[field]!;
				const order = compare(def.get(a), def.get(b), def.type);
				if (order !== 0) return descending ? -order : order;
			}
			return 0;
		});
	}
	if (query.limit !== undefined) rows = rows.slice(0, query.limit);
	return rows.map((row) => render(query, row));
}

/** One result row: each selected resource's fields (plus its resourceName), camelCase. */
function render(query: ParsedQuery, row: RowContext): Record<string, unknown> {
	const out: Record<string, Record<string, unknown>> = {};
	const put = (field: string) => {
		const def = GAQL_FIELDS[field]!;
		const value = def.get(row);
		if (value === undefined || value === null) return;
		const [resource, ...rest] = field.split('.');
		const key = snakeToCamel(resource!);
		const target = (out[key] ??= {});
		target[snakeToCamel(rest.join('.'))] =
			def.type === 'int64' ? String(value) : def.type === 'double' ? Number(value) : value;
	};
	// Google always returns the FROM resource's resourceName, selected or not.
	put(`${query.from}.resource_name`);
	for (const field of query.select) {
		const resource = field.split('.')[0]!;
		if (
			resource !== 'metrics' &&
			resource !== 'segments' &&
			GAQL_FIELDS[`${resource}.resource_name`]
		) {
			put(`${resource}.resource_name`);
		}
		put(field);
	}
	return out;
}
