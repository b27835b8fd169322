// Gmail's per-user quota (250 units/s, enforced by the emulator as Gmail does): an initial sync of
// a few hundred messages is paced so that Gmail never has to refuse a call, and the batched gets
// keep at most one batch in flight.
import { gmailUnitsOf } from '../../core/sync/gmailQuotaPacer';
import { syncIntegration } from '../../core/sync/syncIntegration';
import { startEmulator, type Emulator } from '../emulator';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';
import { TestAccess, addIntegration, liveCopies, providerIds, syncDeps } from './engineSupport';

let emu: Emulator;
let db: TestDatabase;

beforeAll(async () => {
	emu = await startEmulator({ seed: 'gmail-quota', messages: 160 });
	db = await createTestDatabase();
});
afterAll(async () => {
	await db?.drop();
	await emu?.stop();
});

it('charges a batch per part, as Gmail does', () => {
	const body = [1, 2, 3]
		.map(
			(i) =>
				`--b\r\nContent-Type: application/http\r\n\r\nGET /gmail/v1/users/me/messages/${i}?format=raw\r\n\r\n`,
		)
		.join('');
	expect(
		gmailUnitsOf({ method: 'POST', url: 'https://www.googleapis.com/batch/gmail/v1', body }),
	).toBe(15);
	expect(
		gmailUnitsOf({ method: 'GET', url: 'https://gmail.googleapis.com/gmail/v1/users/me/history' }),
	).toBe(2);
	expect(gmailUnitsOf({ method: 'GET', url: 'https://graph.microsoft.com/v1.0/me/messages' })).toBe(
		0,
	);
});

it('paces an initial sync to the quota: no call refused, every message stored', async () => {
	const integration = await addIntegration(db.database, {
		provider: 'google',
		accountEmail: emu.sandbox.googleEmail,
		settings: { syncCalendar: false, mailFolders: ['all'] },
	});
	emu.control.resetCalls();
	const started = Date.now();
	const result = await syncIntegration(
		syncDeps(emu, db.database, new TestAccess(emu, db.database)),
		{
			workspaceId: integration.workspaceId,
			integrationId: integration.integrationId,
		},
	);
	expect(result.outcome).toBe('succeeded');
	const calls = emu.control.calls();
	expect(calls.throttled).toBe(0);
	// 160 gets are 800 units: at 250 units/s that cannot take less than about 2.5 s.
	expect(Date.now() - started).toBeGreaterThan(2_000);
	const expected = new Set([
		...(await providerIds(emu, integration, 'INBOX')),
		...(await providerIds(emu, integration, 'SENT')),
	]);
	const live = await liveCopies(db.database, integration);
	for (const id of expected) expect(live.has(id)).toBe(true);
});
