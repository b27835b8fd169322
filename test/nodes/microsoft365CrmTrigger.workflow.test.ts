// The Microsoft 365 CRM Trigger polled as an active workflow polls it (n8n-core PollContext in
// 'trigger' mode, static data carried between polls) against the emulator's Graph delta, plus the
// editor's manual "Fetch test event" through WorkflowExecute.
import type { IDataObject, INode } from 'n8n-workflow';

import type { EmailRecord } from '../../core';
import { startEmulator, type Emulator } from '../emulator';
import { deliverGraphMessages, setGraphCursorExpiryCode } from '../emulator/microsoft/graph';
import type { StoredCredential } from '../harness/credentialsHelper';
import { crmNode, runWorkflow } from '../harness/runWorkflow';
import { runActivePoll } from '../support/activePolling';
import { connectMicrosoftCredential } from '../support/providerCredentials';
import { publishedWorkflow, resolveCredentialsByName } from '../support/publishedWorkflow';

let emu: Emulator;
let credential: StoredCredential;
let owner: string;
const NODE = 'Microsoft 365 CRM Trigger';

beforeAll(async () => {
	// Generated mail up to an hour ago: some of it falls in the baseline round's day.
	emu = await startEmulator({
		seed: 'microsoft365-trigger',
		messages: 120,
		epoch: new Date(Date.now() - 3600_000),
	});
	credential = await connectMicrosoftCredential(emu);
	owner = emu.sandbox.microsoftEmail;
});
afterAll(() => emu.stop());

function triggerNode(parameters: Record<string, unknown> = {}): INode {
	return crmNode(
		'microsoft365CrmTrigger',
		NODE,
		{ mailboxFolders: 'inboxAndSent', ...parameters } as never,
		{ credentials: { microsoft365CrmOAuth2Api: { id: credential.id, name: credential.name } } },
	);
}

/** A trigger with its own static data, polled like an active workflow. */
function activeTrigger(parameters: Record<string, unknown> = {}) {
	const staticData: IDataObject = {};
	const node = triggerNode(parameters);
	return {
		staticData,
		async poll(): Promise<EmailRecord[]> {
			const result = await runActivePoll(node, { credentials: [credential], staticData });
			if (result.error) throw result.error;
			if (result.response === null) return [];
			expect(result.items.length).toBeGreaterThan(0); // poll() returns null, never []
			return result.items.map((item) => item.json as unknown as EmailRecord);
		},
	};
}

/** Graph called directly with the sandbox token (what Outlook or another client would do). */
async function graph(method: string, path: string, body?: unknown) {
	const response = await fetch(`${emu.urls.graph}${path}`, {
		method,
		headers: {
			authorization: `Bearer ${emu.sandbox.microsoftAccessToken}`,
			'content-type': 'application/json',
			prefer: 'IdType="ImmutableId"',
		},
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await response.text();
	if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
	return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

const deliver = (count: number, options: Parameters<typeof deliverGraphMessages>[3] = {}) =>
	deliverGraphMessages(emu.state, owner, count, options);

describe('Microsoft 365 CRM Trigger', () => {
	it('"Fetch test event" returns a real recent message and leaves no cursor', async () => {
		const result = await runWorkflow(
			{ nodes: [triggerNode()], connections: {} },
			{ credentials: [credential], staticData: {} },
		);
		expect(result.error).toBeUndefined();
		const [sample] = result.json(NODE) as unknown as EmailRecord[];
		expect(sample).toMatchObject({
			provider: 'microsoft',
			labels: expect.arrayContaining(['inbox']),
		});
		expect(sample.providerMessageId.startsWith('AAku')).toBe(true);
		expect(JSON.parse(JSON.stringify(result.staticData))).toEqual({});
	});

	it('pages through the recent mail of each folder on the baseline and emits none of it', async () => {
		deliver(25); // mail that was there before the workflow was activated
		const trigger = activeTrigger({ options: { pageSize: 5 } });
		emu.control.resetCalls();
		expect(await trigger.poll()).toEqual([]);
		// Five a page: the recent Inbox took at least five pages to its deltaLink, Sent Items one.
		expect(
			emu.control.calls().byOperation['graph.mailFolders.messages.delta'],
		).toBeGreaterThanOrEqual(5 + 1);
		const state = trigger.staticData['node:' + NODE] as { mailDelta: { seen: object } };
		expect(Object.keys(state.mailDelta.seen).length).toBeGreaterThanOrEqual(2 * 25);
		expect(await trigger.poll()).toEqual([]);
	});

	it('emits nothing on the baseline, then each of 300 new messages exactly once over further polls', async () => {
		const trigger = activeTrigger({ options: { pageSize: 10 } });
		expect(await trigger.poll()).toEqual([]);
		const state = trigger.staticData['node:' + NODE] as { mailDelta: { folders: object } };
		expect(Object.keys(state.mailDelta.folders)).toEqual(['inbox', 'sentitems']);

		const delivered = deliver(300);
		emu.control.resetCalls();
		const emitted = await trigger.poll();
		expect(emitted).toHaveLength(300);
		expect(emitted.map((record) => record.providerMessageId)).toEqual(delivered);
		expect(new Set(emitted.map((record) => record.internetMessageId)).size).toBe(300);
		expect(emitted.every((record) => record.labels[0] === 'inbox' && !record.isRead)).toBe(true);
		// Every page of the round was read (300 changes at 10 a page → 30 pages), Sent Items once.
		expect(emu.control.calls().byOperation['graph.mailFolders.messages.delta']).toBe(30 + 1);

		for (let i = 0; i < 3; i++) expect(await trigger.poll()).toEqual([]);
	});

	it('emits mail that arrives while the activation poll pages through the baseline, once, by the next poll', async () => {
		deliver(12, { subject: 'There before activation' });
		const trigger = activeTrigger({ options: { pageSize: 5 } });
		let arrived: string[] = [];
		// Delivered after the first page of the Inbox's first delta round was answered: the round
		// may or may not list it, but it is newer than the activation and must be emitted.
		emu.control.inject({
			operation: 'graph.mailFolders.messages.delta',
			afterAnswer: () => {
				arrived = deliver(1, { subject: 'Arrived during activation' });
			},
		});
		const first = await trigger.poll();
		expect(arrived).toHaveLength(1);
		const second = await trigger.poll();
		const emitted = [...first, ...second].map((record) => record.providerMessageId);
		expect(emitted).toEqual(arrived);
		expect(await trigger.poll()).toEqual([]);
	});

	it('does not emit a message twice when it moves between two watched folders, nor old mail that changes', async () => {
		const archive = await graph('GET', '/me/mailFolders/archive');
		const trigger = activeTrigger({ additionalFolders: [archive.id] });
		await trigger.poll();

		const [first] = deliver(1, { subject: 'Moved after it was seen' });
		expect((await trigger.poll()).map((r) => r.providerMessageId)).toEqual([first]);
		await graph('POST', `/me/messages/${first}/move`, { destinationId: archive.id });
		expect(await trigger.poll()).toEqual([]);

		// Delivered and moved between two polls: seen once, in the folder it ended in.
		const [second] = deliver(1, { subject: 'Moved before the poll' });
		await graph('POST', `/me/messages/${second}/move`, { destinationId: 'archive' });
		const emitted = await trigger.poll();
		expect(emitted.map((r) => [r.providerMessageId, r.labels[0]])).toEqual([[second, 'archive']]);

		// Old mail read or flagged is a change in the delta, not new mail.
		const old = (await graph('GET', '/me/mailFolders/inbox/messages?$top=1&$skip=30')) as {
			value: Array<{ id: string }>;
		};
		await graph('PATCH', `/me/messages/${old.value[0].id}`, { isRead: true });
		await graph('POST', `/me/messages/${old.value[0].id}/move`, { destinationId: 'archive' });
		expect(await trigger.poll()).toEqual([]);
	});

	it.each(['syncStateNotFound', 'resyncRequired'] as const)(
		'recovers from an expired delta (410 %s) without losing or repeating mail',
		async (code) => {
			setGraphCursorExpiryCode(emu.state, owner, code);
			const trigger = activeTrigger();
			await trigger.poll();
			const before = deliver(20);
			expect((await trigger.poll()).map((r) => r.providerMessageId)).toEqual(before);

			const meanwhile = deliver(10);
			emu.control.expireCursors(owner, 'graph');
			const after = deliver(5);
			const recovered = await trigger.poll();
			expect(recovered.map((r) => r.providerMessageId)).toEqual([...meanwhile, ...after]);

			const later = deliver(3);
			expect((await trigger.poll()).map((r) => r.providerMessageId)).toEqual(later);
			expect(await trigger.poll()).toEqual([]);
			setGraphCursorExpiryCode(emu.state, owner, 'syncStateNotFound');
		},
	);

	it('keeps working after n8n restarts: mail that arrives after the restart is emitted once', async () => {
		const before = activeTrigger();
		await before.poll();
		const [early] = deliver(1, { subject: 'Before the restart' });
		expect((await before.poll()).map((r) => r.providerMessageId)).toEqual([early]);

		// A restart (or a re-activation): n8n reads the saved static data back from its database as
		// JSON and builds the workflow again, which wraps it in ObservableObject proxies.
		let saved = JSON.stringify(before.staticData);
		for (let restart = 1; restart <= 2; restart++) {
			const staticData = JSON.parse(saved) as IDataObject;
			const node = triggerNode();
			const [late] = deliver(1, { subject: `After restart ${restart}` });
			const first = await runActivePoll(node, { credentials: [credential], staticData });
			expect(first.error).toBeUndefined();
			expect(first.items.map((item) => item.json.providerMessageId)).toEqual([late]);
			const again = await runActivePoll(node, { credentials: [credential], staticData });
			expect(again.error).toBeUndefined();
			expect(again.response).toBeNull();
			saved = JSON.stringify(staticData);
		}
	});

	it('carries on from the cursors an earlier version saved, without a new baseline', async () => {
		const trigger = activeTrigger();
		await trigger.poll();
		// The first shape of the state: a deltaLink per folder beside the seen set.
		const key = 'node:' + NODE;
		const state = (trigger.staticData[key] as { mailDelta: Record<string, unknown> }).mailDelta;
		const folders = state.folders as Record<string, { link: string }>;
		const staticData: IDataObject = {
			[key]: {
				mailDelta: {
					v: 1,
					folders: Object.fromEntries(
						Object.entries(folders).map(([ref, cursor]) => [ref, { deltaLink: cursor.link }]),
					),
					seenUntil: state.seenUntil,
					seen: state.seen,
				},
			},
		} as IDataObject;
		const delivered = deliver(2, { subject: 'After the upgrade' });
		emu.control.resetCalls();
		const result = await runActivePoll(triggerNode(), { credentials: [credential], staticData });
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.providerMessageId)).toEqual(delivered);
		// Two delta requests (Inbox, Sent Items) from the saved links: no baseline round.
		expect(emu.control.calls().byOperation['graph.mailFolders.messages.delta']).toBe(2);
	});

	it('says which chosen folder Microsoft 365 does not have', async () => {
		const trigger = activeTrigger({
			mailboxFolders: 'chosen',
			additionalFolders: ['archive', 'AAMkNoSuchFolder'],
		});
		await expect(trigger.poll()).rejects.toThrow(
			"Microsoft 365 has no mail folder 'AAMkNoSuchFolder' (or the account cannot see it)",
		);
	});

	it('emits mail sent by the account from Sent Items as outgoing', async () => {
		const trigger = activeTrigger();
		await trigger.poll();
		await graph('POST', '/me/sendMail', {
			message: {
				subject: 'Sent from Outlook',
				body: { contentType: 'text', content: 'Hi' },
				toRecipients: [{ emailAddress: { address: 'ada@example.com' } }],
			},
		});
		const [sent] = await trigger.poll();
		expect(sent).toMatchObject({
			subject: 'Sent from Outlook',
			direction: 'outgoing',
			labels: ['sentitems'],
			from: { email: owner },
		});
	});

	it('skips mail from the account itself in Inbox-only mode', async () => {
		const trigger = activeTrigger({ mailboxFolders: 'inbox', skipOwnMail: true });
		await trigger.poll();
		deliver(1, { from: { email: owner, name: 'Sandbox User' }, subject: 'Note to self' });
		const [other] = deliver(1, { subject: 'From a customer' });
		const emitted = await trigger.poll();
		expect(emitted.map((r) => r.providerMessageId)).toEqual([other]);
	});

	it('waits as asked by a 429 with Retry-After on the first delta request, then emits', async () => {
		const trigger = activeTrigger();
		await trigger.poll();
		const delivered = deliver(2);
		emu.control.inject({
			operation: 'graph.mailFolders.messages.delta',
			status: 429,
			retryAfterSeconds: 1,
			times: 1,
		});
		const started = Date.now();
		expect((await trigger.poll()).map((r) => r.providerMessageId)).toEqual(delivered);
		expect(Date.now() - started).toBeGreaterThanOrEqual(900);
	});

	it('keeps its cursors when a poll fails, and then emits what arrived', async () => {
		const trigger = activeTrigger();
		await trigger.poll();
		const delivered = deliver(4);
		const cursors = JSON.stringify(trigger.staticData);
		emu.control.inject({ operation: 'graph.mailFolders.messages.delta', status: 500, times: 10 });
		await expect(trigger.poll()).rejects.toThrow(/temporary failure/);
		emu.control.clearFaults();
		expect(JSON.stringify(trigger.staticData)).toBe(cursors);
		expect((await trigger.poll()).map((r) => r.providerMessageId)).toEqual(delivered);
	});

	it('tells the user to reconnect when the grant was revoked', async () => {
		const trigger = activeTrigger();
		await trigger.poll();
		emu.control.revokeGrants(owner);
		emu.control.advanceClock(2 * 3600 * 1000);
		await expect(trigger.poll()).rejects.toThrow(
			/needs to be reconnected|reconnect the credential/,
		);
	});
});

describe('Microsoft 365 CRM Trigger — documented example', () => {
	it('polls with the trigger of docs/nodes/microsoft-365-crm-trigger.md as published', async () => {
		const account = await connectMicrosoftCredential(emu, {
			id: 'users-microsoft-credential',
			name: 'Microsoft 365 account',
		});
		const workflow = resolveCredentialsByName(publishedWorkflow('microsoft-365-crm-trigger.md'), [
			account,
		]);
		// The If and HTTP Request nodes after it are n8n's own; the trigger is what the page documents.
		const trigger = workflow.nodes.find((node) => node.type.endsWith('.microsoft365CrmTrigger'))!;
		const staticData: IDataObject = {};
		const poll = () => runActivePoll(trigger, { credentials: [account], staticData });
		expect((await poll()).response).toBeNull();
		const delivered = deliver(2, { subject: 'For the CRM' });
		const emitted = await poll();
		expect(emitted.error).toBeUndefined();
		expect(emitted.items.map((item) => item.json.providerMessageId)).toEqual(delivered);
		expect(emitted.items[0].json).toMatchObject({ isBulk: expect.any(Boolean) });
		expect((await poll()).response).toBeNull();
	});
});
