// The outbox against PostgreSQL with scripted Google answers: idempotent enqueueing, each row sent
// once, a Data Manager fast-fail that names one event (that row rejected with its error, the
// others sent again and accepted), a uploadClickConversions partial failure, transient failures
// retried later with backoff, and every query scoped by workspace.
import { randomUUID } from 'node:crypto';

import { validateConversion, type ConversionInput } from '../../core/ads/conversions';
import { MAX_UPLOAD_ATTEMPTS, uploadDueConversions } from '../../core/ads/conversionOutbox';
import { ProviderHttpError, type ProviderRequest } from '../../core/providers/http';
import { createGoogleAdsClient } from '../../core/providers/google/ads';
import { createDataManagerClient } from '../../core/providers/google/dataManager';
import {
	STALE_UPLOADING_MS,
	claimDueAdConversions,
	enqueueAdConversion,
	listAdConversions,
} from '../../core/store/adConversions';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';

let db: TestDatabase;
beforeAll(async () => {
	db = await createTestDatabase();
});
afterAll(() => db.drop());

const NOW = new Date('2026-12-01T12:00:00Z');

function conversion(workspaceId: string, input: Partial<ConversionInput> = {}) {
	return validateConversion(
		{
			workspaceId,
			customerId: '1234567890',
			conversionAction: '555',
			gclid: `gclid-${randomUUID()}`,
			conversionTime: '2026-11-30T10:00:00Z',
			value: 100,
			currency: 'EUR',
			...input,
		},
		NOW,
	);
}

type Answer = (request: ProviderRequest) => { status: number; body: unknown };

/** A requester that records what was sent and answers as scripted. */
function scripted(answer: Answer) {
	const sent: ProviderRequest[] = [];
	const request = async <T>(req: ProviderRequest) => {
		sent.push(req);
		const { status, body } = answer(req);
		if (status >= 400) throw new ProviderHttpError(status, {}, body, req);
		return { status, headers: {}, body: body as T };
	};
	return { sent, request };
}

const eventsOf = (request: ProviderRequest) =>
	(request.body as { events: Array<{ adIdentifiers: { gclid?: string }; transactionId?: string }> })
		.events;

/** Data Manager's fast fail: a 400 naming each event whose gclid starts with 'bad'. */
const dataManagerAnswer: Answer = (request) => {
	const bad = eventsOf(request)
		.map((event, index) => ({ event, index }))
		.filter(({ event }) => event.adIdentifiers.gclid?.startsWith('bad'));
	if (bad.length === 0) return { status: 200, body: { requestId: 'req-1' } };
	return {
		status: 400,
		body: {
			error: {
				code: 400,
				message: 'There was a problem with the request.',
				status: 'INVALID_ARGUMENT',
				details: [
					{
						'@type': 'type.googleapis.com/google.rpc.BadRequest',
						fieldViolations: bad.map(({ index }) => ({
							field: `events[${index}].ad_identifiers.gclid`,
							description: 'The click identifier is not valid.',
							reason: 'INVALID_GCLID',
						})),
					},
				],
			},
		},
	};
};

describe('conversion outbox', () => {
	it('enqueues once per dedupe key', async () => {
		const workspace = randomUUID();
		const first = await enqueueAdConversion(
			db.database.knex,
			conversion(workspace, { orderId: 'o-1' }),
		);
		const again = await enqueueAdConversion(
			db.database.knex,
			conversion(workspace, { orderId: 'o-1' }),
		);
		expect(first.created).toBe(true);
		expect(again).toMatchObject({ created: false, conversion: { id: first.conversion.id } });
		// Another workspace has its own outbox.
		const other = await enqueueAdConversion(
			db.database.knex,
			conversion(randomUUID(), { orderId: 'o-1' }),
		);
		expect(other.created).toBe(true);
	});

	it('stores a Data Manager field violation on its own row, uploads the others, and sends nothing twice', async () => {
		const workspace = randomUUID();
		const knex = db.database.knex;
		for (const input of [
			{ orderId: 'good-1' },
			{ orderId: 'bad-1', gclid: 'bad-gclid' },
			{ orderId: 'good-2' },
		]) {
			await enqueueAdConversion(knex, conversion(workspace, input));
		}
		const dataManager = scripted(dataManagerAnswer);
		const senders = {
			dataManager: createDataManagerClient({
				request: dataManager.request,
				baseUrl: 'https://dm.test',
			}),
		};

		const outcomes = await uploadDueConversions(knex, workspace, senders, { now: () => NOW });
		expect(outcomes.map((outcome) => [outcome.orderId, outcome.status, outcome.errorCode])).toEqual(
			[
				['good-1', 'uploaded', null],
				['bad-1', 'rejected', 'INVALID_GCLID'],
				['good-2', 'uploaded', null],
			],
		);
		// Fast fail: the first request carried all three, the second only the good ones.
		expect(
			dataManager.sent.map((request) => eventsOf(request).map((event) => event.transactionId)),
		).toEqual([
			['good-1', 'bad-1', 'good-2'],
			['good-1', 'good-2'],
		]);
		expect(dataManager.sent[0]).toMatchObject({
			method: 'POST',
			url: 'https://dm.test/v1/events:ingest',
		});
		expect(dataManager.sent[0].headers?.['developer-token']).toBeUndefined();
		expect(dataManager.sent[0].body).toMatchObject({
			destinations: [
				{
					operatingAccount: { accountType: 'GOOGLE_ADS', accountId: '1234567890' },
					productDestinationId: '555',
				},
			],
		});
		expect(eventsOf(dataManager.sent[0])[0]).toMatchObject({
			eventTimestamp: '2026-11-30T10:00:00Z',
			conversionValue: 100,
			currency: 'EUR',
		});

		const [rejected] = await listAdConversions(knex, workspace, { statuses: ['rejected'] });
		expect(rejected).toMatchObject({
			orderId: 'bad-1',
			lastErrorCode: 'INVALID_GCLID',
			lastErrorMessage: 'events[1].ad_identifiers.gclid: The click identifier is not valid.',
		});
		expect(JSON.stringify(rejected.lastErrorDetails)).toContain('INVALID_ARGUMENT');

		// A second run finds nothing due: uploaded and rejected rows are never sent again.
		expect(await uploadDueConversions(knex, workspace, senders, { now: () => NOW })).toEqual([]);
		expect(dataManager.sent).toHaveLength(2);
	});

	it('keeps rows for later after a transient failure, with backoff, then uploads them once', async () => {
		const workspace = randomUUID();
		const knex = db.database.knex;
		await enqueueAdConversion(knex, conversion(workspace, { orderId: 't-1' }));
		let outage = true;
		const dataManager = scripted((request) =>
			outage
				? {
						status: 503,
						body: { error: { code: 503, message: 'unavailable', status: 'UNAVAILABLE' } },
					}
				: dataManagerAnswer(request),
		);
		const senders = { dataManager: createDataManagerClient({ request: dataManager.request }) };

		const [failed] = await uploadDueConversions(knex, workspace, senders, { now: () => NOW });
		expect(failed).toMatchObject({
			status: 'failed',
			attempts: 1,
			errorCode: 'UNAVAILABLE',
			nextAttemptAt: '2026-12-01T12:01:00.000Z',
		});
		// Not due before its next attempt.
		expect(await uploadDueConversions(knex, workspace, senders, { now: () => NOW })).toEqual([]);
		outage = false;
		const later = new Date('2026-12-01T12:02:00Z');
		const [uploaded] = await uploadDueConversions(knex, workspace, senders, { now: () => later });
		expect(uploaded).toMatchObject({ status: 'uploaded', attempts: 2, errorCode: null });
		expect(await uploadDueConversions(knex, workspace, senders, { now: () => later })).toEqual([]);
		expect(dataManager.sent).toHaveLength(2);
	});

	it(`gives a row up after ${MAX_UPLOAD_ATTEMPTS} failed attempts`, async () => {
		const workspace = randomUUID();
		const knex = db.database.knex;
		await enqueueAdConversion(knex, conversion(workspace));
		const down = scripted(() => ({ status: 500, body: {} }));
		const senders = { dataManager: createDataManagerClient({ request: down.request }) };
		let clock = NOW.getTime();
		let last;
		for (let attempt = 1; attempt <= MAX_UPLOAD_ATTEMPTS; attempt++) {
			[last] = await uploadDueConversions(knex, workspace, senders, { now: () => new Date(clock) });
			clock += 7 * 3_600_000;
		}
		expect(last).toMatchObject({ status: 'rejected', attempts: MAX_UPLOAD_ATTEMPTS });
		expect(last!.errorMessage).toMatch(/^Gave up after 8 attempts/);
	});

	it('uploads allowlisted rows through uploadClickConversions, storing each partial failure on its row', async () => {
		const workspace = randomUUID();
		const knex = db.database.knex;
		for (const orderId of ['c-1', 'c-2', 'c-3']) {
			await enqueueAdConversion(
				knex,
				conversion(workspace, { orderId, uploadPath: 'click_conversions' }),
			);
		}
		const ads = scripted(() => ({
			status: 200,
			body: {
				results: [{ gclid: 'a' }, {}, { gclid: 'c' }],
				partialFailureError: {
					code: 3,
					message: 'Partial failure',
					details: [
						{
							'@type': 'type.googleapis.com/google.ads.googleads.v26.errors.GoogleAdsFailure',
							errors: [
								{
									errorCode: { conversionUploadError: 'EXPIRED_EVENT' },
									message: 'The click was too long ago.',
									location: { fieldPathElements: [{ fieldName: 'conversions', index: 1 }] },
								},
							],
						},
					],
				},
			},
		}));
		const senders = {
			ads: createGoogleAdsClient({
				request: ads.request,
				developerToken: 'dev',
				loginCustomerId: '111-222-3333',
			}),
		};
		const outcomes = await uploadDueConversions(knex, workspace, senders, { now: () => NOW });
		expect(outcomes.map((outcome) => [outcome.orderId, outcome.status, outcome.errorCode])).toEqual(
			[
				['c-1', 'uploaded', null],
				['c-2', 'rejected', 'EXPIRED_EVENT'],
				['c-3', 'uploaded', null],
			],
		);
		expect(ads.sent[0]).toMatchObject({
			url: 'https://googleads.googleapis.com/v26/customers/1234567890:uploadClickConversions',
			headers: { 'developer-token': 'dev', 'login-customer-id': '1112223333' },
		});
		const sentBody = ads.sent[0].body as { partialFailure: boolean; conversions: unknown[] };
		expect(sentBody.partialFailure).toBe(true);
		expect(sentBody.conversions).toHaveLength(3);
		expect(sentBody.conversions[0]).toMatchObject({
			conversionAction: 'customers/1234567890/conversionActions/555',
			conversionDateTime: '2026-11-30 10:00:00+00:00',
			orderId: 'c-1',
			currencyCode: 'EUR',
		});
	});

	it('rejects rows of an account not allowlisted for uploadClickConversions, naming the Data Manager path', async () => {
		const workspace = randomUUID();
		const knex = db.database.knex;
		await enqueueAdConversion(knex, conversion(workspace, { uploadPath: 'click_conversions' }));
		const ads = scripted(() => ({
			status: 403,
			body: {
				error: {
					code: 403,
					message: 'The caller does not have permission',
					status: 'PERMISSION_DENIED',
					details: [
						{
							'@type': 'type.googleapis.com/google.ads.googleads.v26.errors.GoogleAdsFailure',
							errors: [
								{
									errorCode: { authorizationError: 'CUSTOMER_NOT_ALLOWLISTED_FOR_THIS_FEATURE' },
									message: 'not allowlisted',
								},
							],
						},
					],
				},
			},
		}));
		const [outcome] = await uploadDueConversions(
			knex,
			workspace,
			{ ads: createGoogleAdsClient({ request: ads.request, developerToken: 'dev' }) },
			{ now: () => NOW },
		);
		expect(outcome).toMatchObject({
			status: 'rejected',
			errorCode: 'CUSTOMER_NOT_ALLOWLISTED_FOR_THIS_FEATURE',
			errorMessage:
				'This account is not allowlisted for uploadClickConversions since 2026-06-15; upload through the Data Manager API (the default)',
		});
	});

	it('lets two senders running at once claim disjoint rows, and reclaims rows a stopped sender left uploading', async () => {
		const workspace = randomUUID();
		const knex = db.database.knex;
		for (let index = 0; index < 20; index++) {
			await enqueueAdConversion(knex, conversion(workspace, { orderId: `par-${index}` }));
		}
		const [first, second] = await Promise.all([
			claimDueAdConversions(knex, workspace, NOW, 15),
			claimDueAdConversions(knex, workspace, NOW, 15),
		]);
		const ids = [...first, ...second].map((row) => row.id);
		expect(new Set(ids).size).toBe(ids.length);
		expect(ids).toHaveLength(20);
		expect(
			[...first, ...second].every((row) => row.status === 'uploading' && row.attempts === 1),
		).toBe(true);
		// Nobody finished them: not due again until they are stale.
		expect(await claimDueAdConversions(knex, workspace, NOW, 100)).toEqual([]);
		await knex('ad_conversions').where({ workspace_id: workspace }).update({ updated_at: NOW });
		const later = new Date(NOW.getTime() + STALE_UPLOADING_MS + 1000);
		const reclaimed = await claimDueAdConversions(knex, workspace, later, 100);
		expect(reclaimed).toHaveLength(20);
		expect(reclaimed.every((row) => row.attempts === 2)).toBe(true);
	});
});
