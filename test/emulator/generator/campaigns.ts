// Deterministic Google Ads sandbox: a manager customer with two client customers, each with a
// few campaigns (names, statuses, budgets, channel types, start/end dates), daily metrics for the
// last 120 days, conversion actions and known ad clicks (gclid / gbraid / wbraid) that offline
// conversions can reference. A day's metrics are a pure function of (seed, customer, campaign,
// date), so any date range is produced on demand without storing anything per day.
//
// Dates are anchored on `today` (the account-local date of the emulator clock when the emulator
// starts): the Ads API only makes sense relative to "today" (DURING LAST_7_DAYS, the 90-day click
// window), and a fixed epoch would make every click expire once the calendar moved past it.

import { fmix32, hashSeed, Rng } from './prng';

export const ADS_MANAGER_CUSTOMER_ID = '1234567890';
/** Client customer allowlisted for ConversionUploadService.UploadClickConversions. */
export const ADS_CLIENT_CUSTOMER_ID = '2345678901';
/** Client customer NOT allowlisted: uploadClickConversions answers CUSTOMER_NOT_ALLOWLISTED_FOR_THIS_FEATURE. */
export const ADS_CLIENT_NOT_ALLOWLISTED_CUSTOMER_ID = '3456789012';
/** Conversion action of type UPLOAD_CLICKS in each client (Data Manager productDestinationId). */
export const ADS_UPLOAD_CONVERSION_ACTION_IDS: Readonly<Record<string, string>> = {
	[ADS_CLIENT_CUSTOMER_ID]: '700000101',
	[ADS_CLIENT_NOT_ALLOWLISTED_CUSTOMER_ID]: '700000201',
};
/** Days of generated metrics before today. */
export const ADS_HISTORY_DAYS = 120;
/** Click-through lookback window of the generated conversion actions. */
export const ADS_CLICK_LOOKBACK_DAYS = 90;
export const ADS_TIME_ZONE = 'Europe/Berlin';

export type CampaignStatus = 'ENABLED' | 'PAUSED' | 'REMOVED';
export type ChannelType =
	| 'SEARCH'
	| 'DISPLAY'
	| 'SHOPPING'
	| 'VIDEO'
	| 'PERFORMANCE_MAX'
	| 'DEMAND_GEN'
	| 'MULTI_CHANNEL';

export interface GeneratedCustomer {
	id: string;
	descriptiveName: string;
	currencyCode: string;
	timeZone: string;
	manager: boolean;
	/** The manager this client is linked under (clients only). */
	managerId?: string;
	/** May call uploadClickConversions (clients only). */
	allowlistedForClickConversions: boolean;
}

export interface GeneratedBudget {
	id: string;
	customerId: string;
	name: string;
	amountMicros: number;
	deliveryMethod: 'STANDARD' | 'ACCELERATED';
	explicitlyShared: boolean;
	status: 'ENABLED' | 'REMOVED';
}

export interface GeneratedCampaign {
	id: string;
	customerId: string;
	/** Position in the customer's generated list: the metrics stream of the campaign. */
	index: number;
	name: string;
	status: CampaignStatus;
	advertisingChannelType: ChannelType;
	/** YYYY-MM-DD, account time zone. */
	startDate: string;
	/** YYYY-MM-DD or undefined (runs indefinitely; Google reports 2037-12-30). */
	endDate?: string;
	budgetId: string;
	biddingStrategyType: string;
	/** Last day with traffic for a paused or removed generated campaign. */
	lastActiveDate?: string;
	/** Mean daily impressions and rates that shape its metrics. */
	profile: { impressions: number; ctr: number; cpcMicros: number; conversionRate: number };
}

export interface GeneratedConversionAction {
	id: string;
	customerId: string;
	name: string;
	type: 'UPLOAD_CLICKS' | 'WEBPAGE';
	status: 'ENABLED';
	category: 'PURCHASE' | 'QUALIFIED_LEAD' | 'CONVERTED_LEAD';
	clickThroughLookbackWindowDays: number;
}

export interface GeneratedClick {
	customerId: string;
	campaignId: string;
	/** Exactly one of gclid / gbraid / wbraid. */
	gclid?: string;
	gbraid?: string;
	wbraid?: string;
	/** The click instant, ms since epoch. */
	clickTimeMs: number;
	/** Whole days between the click and the anchor instant (0 = within the last 24 hours). */
	ageDays: number;
}

export interface DailyMetrics {
	impressions: number;
	clicks: number;
	costMicros: number;
	conversions: number;
	conversionsValue: number;
}

export interface AdsSandbox {
	/** Account-local date of the anchor instant (YYYY-MM-DD). */
	today: string;
	anchorMs: number;
	customers: GeneratedCustomer[];
	budgets: GeneratedBudget[];
	campaigns: GeneratedCampaign[];
	conversionActions: GeneratedConversionAction[];
	clicks: GeneratedClick[];
	/** Metrics of one campaign on one date (zeros outside its active days). */
	metricsFor(campaign: GeneratedCampaign, date: string): DailyMetrics;
}

const DAY_MS = 86_400_000;

/** Day number (days since 1970-01-01) of a YYYY-MM-DD date. */
export function dayNumber(date: string): number {
	return Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
}

export function dateOfDay(day: number): string {
	return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
	return dateOfDay(dayNumber(date) + days);
}

const localDateFormat = new Intl.DateTimeFormat('en-CA', {
	timeZone: ADS_TIME_ZONE,
	year: 'numeric',
	month: '2-digit',
	day: '2-digit',
});

/** The account-local calendar date of an instant. */
export function accountDate(ms: number): string {
	return localDateFormat.format(new Date(ms));
}

interface CampaignTemplate {
	name: string;
	channel: ChannelType;
	bidding: string;
	status: CampaignStatus;
	/** Start, days before today. */
	startedDaysAgo: number;
	/** End relative to today (negative = ended), undefined = no end date. */
	endInDays?: number;
	/** Paused/removed: last active day, days before today. */
	stoppedDaysAgo?: number;
	budgetUnits: number; // budget in currency units per day
	impressions: number;
	ctr: number;
	cpc: number; // currency units
	conversionRate: number;
}

const CLIENT_TEMPLATES: Record<
	string,
	{ name: string; currency: string; campaigns: CampaignTemplate[] }
> = {
	[ADS_CLIENT_CUSTOMER_ID]: {
		name: 'Northwind Traders',
		currency: 'EUR',
		campaigns: [
			{
				name: 'Brand – Search',
				channel: 'SEARCH',
				bidding: 'MANUAL_CPC',
				status: 'ENABLED',
				startedDaysAgo: 400,
				budgetUnits: 40,
				impressions: 2400,
				ctr: 0.085,
				cpc: 0.45,
				conversionRate: 0.09,
			},
			{
				name: 'Generic – CRM software',
				channel: 'SEARCH',
				bidding: 'MAXIMIZE_CONVERSIONS',
				status: 'ENABLED',
				startedDaysAgo: 150,
				budgetUnits: 120,
				impressions: 5200,
				ctr: 0.041,
				cpc: 2.35,
				conversionRate: 0.035,
			},
			{
				name: 'Retargeting – Display',
				channel: 'DISPLAY',
				bidding: 'TARGET_CPA',
				status: 'PAUSED',
				startedDaysAgo: 200,
				stoppedDaysAgo: 21,
				budgetUnits: 25,
				impressions: 18000,
				ctr: 0.004,
				cpc: 0.38,
				conversionRate: 0.012,
			},
			{
				name: 'Demo videos – YouTube',
				channel: 'VIDEO',
				bidding: 'TARGET_CPM',
				status: 'ENABLED',
				startedDaysAgo: 75,
				endInDays: 45,
				budgetUnits: 30,
				impressions: 9000,
				ctr: 0.006,
				cpc: 0.22,
				conversionRate: 0.004,
			},
			{
				name: 'Spring promo – PMax',
				channel: 'PERFORMANCE_MAX',
				bidding: 'MAXIMIZE_CONVERSION_VALUE',
				status: 'ENABLED',
				startedDaysAgo: 100,
				endInDays: -30,
				budgetUnits: 60,
				impressions: 7000,
				ctr: 0.012,
				cpc: 0.9,
				conversionRate: 0.02,
			},
		],
	},
	[ADS_CLIENT_NOT_ALLOWLISTED_CUSTOMER_ID]: {
		name: 'Contoso Consulting',
		currency: 'USD',
		campaigns: [
			{
				name: 'Consulting leads – Search',
				channel: 'SEARCH',
				bidding: 'TARGET_CPA',
				status: 'ENABLED',
				startedDaysAgo: 300,
				budgetUnits: 80,
				impressions: 3100,
				ctr: 0.052,
				cpc: 3.1,
				conversionRate: 0.05,
			},
			{
				name: 'Webinar – Demand Gen',
				channel: 'DEMAND_GEN',
				bidding: 'MAXIMIZE_CLICKS',
				status: 'ENABLED',
				startedDaysAgo: 60,
				budgetUnits: 35,
				impressions: 11000,
				ctr: 0.007,
				cpc: 0.41,
				conversionRate: 0.01,
			},
			{
				name: 'Old brand test',
				channel: 'SEARCH',
				bidding: 'MANUAL_CPC',
				status: 'REMOVED',
				startedDaysAgo: 180,
				stoppedDaysAgo: 95,
				budgetUnits: 10,
				impressions: 800,
				ctr: 0.06,
				cpc: 0.8,
				conversionRate: 0.03,
			},
		],
	},
};

/** Google's gclids are URL-safe base64 of an opaque protobuf; ours are the same alphabet. */
function clickId(rng: Rng, prefix: string, length: number): string {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
	let s = prefix;
	while (s.length < length) s += alphabet[rng.int(64)];
	return s;
}

function numericId(rng: Rng, digits: number): string {
	let s = String(1 + rng.int(9));
	while (s.length < digits) s += String(rng.int(10));
	return s;
}

/** Ages (days) of the clicks every client has, whatever the seed: fresh, borderline, expired. */
const FIXED_CLICK_AGES = [1, 3, 10, 30, 60, 89, 91, 100, 119];

export function createAdsSandbox(options: { seed: string | number; anchorMs: number }): AdsSandbox {
	const seedHash = hashSeed(`${options.seed}:google-ads`);
	const anchorMs = options.anchorMs;
	const today = accountDate(anchorMs);
	const customers: GeneratedCustomer[] = [
		{
			id: ADS_MANAGER_CUSTOMER_ID,
			descriptiveName: 'crm-connect Agency (manager)',
			currencyCode: 'EUR',
			timeZone: ADS_TIME_ZONE,
			manager: true,
			allowlistedForClickConversions: false,
		},
	];
	const budgets: GeneratedBudget[] = [];
	const campaigns: GeneratedCampaign[] = [];
	const conversionActions: GeneratedConversionAction[] = [];
	const clicks: GeneratedClick[] = [];

	for (const [customerId, template] of Object.entries(CLIENT_TEMPLATES)) {
		const rng = new Rng(fmix32(seedHash ^ hashSeed(customerId)));
		customers.push({
			id: customerId,
			descriptiveName: template.name,
			currencyCode: template.currency,
			timeZone: ADS_TIME_ZONE,
			manager: false,
			managerId: ADS_MANAGER_CUSTOMER_ID,
			allowlistedForClickConversions: customerId === ADS_CLIENT_CUSTOMER_ID,
		});
		template.campaigns.forEach((t, index) => {
			const budgetId = numericId(rng, 11);
			const campaignId = numericId(rng, 11);
			budgets.push({
				id: budgetId,
				customerId,
				name: `${t.name} budget`,
				amountMicros: t.budgetUnits * 1_000_000,
				deliveryMethod: index % 4 === 3 ? 'ACCELERATED' : 'STANDARD',
				explicitlyShared: false,
				status: t.status === 'REMOVED' ? 'REMOVED' : 'ENABLED',
			});
			// Jitter the shape per seed so two seeds do not produce the same numbers.
			const jitter = 0.8 + rng.next() * 0.4;
			campaigns.push({
				id: campaignId,
				customerId,
				index,
				name: t.name,
				status: t.status,
				advertisingChannelType: t.channel,
				startDate: addDays(today, -t.startedDaysAgo),
				endDate: t.endInDays === undefined ? undefined : addDays(today, t.endInDays),
				budgetId,
				biddingStrategyType: t.bidding,
				lastActiveDate:
					t.stoppedDaysAgo === undefined ? undefined : addDays(today, -t.stoppedDaysAgo),
				profile: {
					impressions: Math.round(t.impressions * jitter),
					ctr: t.ctr,
					cpcMicros: Math.round(t.cpc * 1_000_000),
					conversionRate: t.conversionRate,
				},
			});
		});
		const uploadActionId = ADS_UPLOAD_CONVERSION_ACTION_IDS[customerId]!;
		conversionActions.push(
			{
				id: uploadActionId,
				customerId,
				name: 'CRM – deal won (offline)',
				type: 'UPLOAD_CLICKS',
				status: 'ENABLED',
				category: 'CONVERTED_LEAD',
				clickThroughLookbackWindowDays: ADS_CLICK_LOOKBACK_DAYS,
			},
			{
				id: String(Number(uploadActionId) + 1),
				customerId,
				name: 'Website purchase (tag)',
				type: 'WEBPAGE',
				status: 'ENABLED',
				category: 'PURCHASE',
				clickThroughLookbackWindowDays: 30,
			},
		);
		// Clicks: the fixed ages first (tests pick them by age), then a seeded spread.
		const own = campaigns.filter((c) => c.customerId === customerId && c.status !== 'REMOVED');
		const ages = [...FIXED_CLICK_AGES];
		for (let i = 0; i < 24; i++) ages.push(rng.int(ADS_HISTORY_DAYS));
		ages.forEach((age, i) => {
			const kind =
				i < FIXED_CLICK_AGES.length
					? 'gclid'
					: rng.weighted([
							['gclid', 8],
							['gbraid', 1],
							['wbraid', 1],
						] as const);
			const clickTimeMs = anchorMs - age * DAY_MS - rng.int(20 * 3_600_000) - 3_600_000;
			const click: GeneratedClick = {
				customerId,
				campaignId: own[i % own.length]!.id,
				clickTimeMs,
				ageDays: Math.floor((anchorMs - clickTimeMs) / DAY_MS),
			};
			if (kind === 'gclid') click.gclid = clickId(rng, 'EAIaIQobChMI', 88);
			else if (kind === 'gbraid') click.gbraid = clickId(rng, '0AAAAA', 48);
			else click.wbraid = clickId(rng, 'ClcK', 56);
			clicks.push(click);
		});
	}

	const firstDay = dayNumber(today) - ADS_HISTORY_DAYS;
	const metricsFor = (campaign: GeneratedCampaign, date: string): DailyMetrics => {
		const day = dayNumber(date);
		const zero = { impressions: 0, clicks: 0, costMicros: 0, conversions: 0, conversionsValue: 0 };
		if (day < firstDay || day < dayNumber(campaign.startDate)) return zero;
		if (campaign.endDate && day > dayNumber(campaign.endDate)) return zero;
		if (campaign.lastActiveDate && day > dayNumber(campaign.lastActiveDate)) return zero;
		if (campaign.profile.impressions === 0) return zero;
		const rng = new Rng(
			fmix32(
				seedHash ^
					hashSeed(`${campaign.customerId}:${campaign.index}`) ^
					Math.imul(day, 0x9e3779b1),
			),
		);
		const weekday = new Date(day * DAY_MS).getUTCDay();
		const weekFactor = weekday === 0 || weekday === 6 ? 0.7 : 1.08;
		const impressions = Math.round(
			campaign.profile.impressions * weekFactor * (0.75 + rng.next() * 0.5),
		);
		const clicks = Math.round(impressions * campaign.profile.ctr * (0.8 + rng.next() * 0.4));
		// Cost in whole cents, as Google bills.
		const costMicros =
			Math.round((clicks * campaign.profile.cpcMicros * (0.85 + rng.next() * 0.3)) / 10_000) *
			10_000;
		const conversions =
			Math.round(clicks * campaign.profile.conversionRate * (0.5 + rng.next()) * 100) / 100;
		const conversionsValue = Math.round(conversions * (80 + rng.int(120)) * 100) / 100;
		return { impressions, clicks, costMicros, conversions, conversionsValue };
	};

	return { today, anchorMs, customers, budgets, campaigns, conversionActions, clicks, metricsFor };
}
