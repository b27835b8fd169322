import { findFreePort } from '../../core/store/embeddedPostgres';
import { startEmulator, type Emulator } from '../emulator';
import type { GeneratedMessage } from '../emulator/generator';
import type { StoredCredential } from '../harness/credentialsHelper';
import { TestCredentialsHelper } from '../harness/credentialsHelper';
import { chain, crmNode, runWorkflow } from '../harness/runWorkflow';
import {
	connectGoogleCredential,
	GMAIL_SCOPES,
	serviceAccountCredential,
} from '../support/providerCredentials';

let emu: Emulator;
let credential: StoredCredential;

beforeAll(async () => {
	emu = await startEmulator({ seed: 'gmail-node', messages: 60 });
	credential = await connectGoogleCredential(emu, 'gmailCrmOAuth2Api', GMAIL_SCOPES);
});
afterAll(() => emu.stop());

function gmailNode(parameters: Record<string, unknown>, extra: Record<string, unknown> = {}) {
	return crmNode('gmailCrm', 'Gmail CRM', parameters as never, {
		credentials: { gmailCrmOAuth2Api: { id: credential.id, name: credential.name } },
		...extra,
	});
}

function sandboxMessage(predicate: (message: GeneratedMessage) => boolean): GeneratedMessage {
	const mailbox = emu.state.accounts.get(emu.sandbox.googleEmail)!.mailbox;
	for (let i = mailbox.count - 1; i >= 0; i--) {
		const message = mailbox.messageAt(i);
		if (predicate(message)) return message;
	}
	throw new Error('no such message in the sandbox mailbox');
}

describe('Gmail CRM node — message: get', () => {
	it('returns the message as a CRM email record, decoded from the raw MIME', async () => {
		const expected = sandboxMessage((m) => m.attachments.length > 0 && m.kind !== 'draft');
		const result = await runWorkflow(
			chain(
				gmailNode({
					resource: 'message',
					operation: 'get',
					messageId: expected.id,
					downloadAttachments: true,
				}),
			),
			{
				credentials: [credential],
			},
		);
		expect(result.error).toBeUndefined();
		const [item] = result.output('Gmail CRM');
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(item.json).toMatchObject({
			provider: 'google',
			providerMessageId: expected.id,
			providerThreadId: expected.threadId,
			internetMessageId: expected.messageIdHeader,
			subject: expected.subject,
			from: { email: expected.from.email.toLowerCase() },
		});
		expect(Object.keys(item.binary ?? {})).toHaveLength(expected.attachments.length);
		expect(item.binary?.attachment_0.fileName).toBe(expected.attachments[0].filename);
	});

	// Before any test moves the emulator's clock: the assertion is signed with the real time.
	it('works with a service account acting for a Workspace user (domain-wide delegation)', async () => {
		const serviceAccount = serviceAccountCredential(emu, emu.sandbox.googleEmail, GMAIL_SCOPES);
		const expected = sandboxMessage(() => true);
		const result = await runWorkflow(
			chain(
				crmNode(
					'gmailCrm',
					'Gmail CRM',
					{
						authentication: 'serviceAccount',
						resource: 'message',
						operation: 'get',
						messageId: expected.id,
					},
					{
						credentials: {
							googleServiceAccountCrmApi: { id: serviceAccount.id, name: serviceAccount.name },
						},
					},
				),
			),
			{ credentials: [serviceAccount] },
		);
		expect(result.error).toBeUndefined();
		expect(result.json('Gmail CRM')[0]).toMatchObject({
			providerMessageId: expected.id,
			subject: expected.subject,
		});
	});

	it('refreshes an expired access token through the token endpoint, and n8n saves the new one', async () => {
		const helper = new TestCredentialsHelper();
		const before = structuredClone(credential);
		emu.control.advanceClock(2 * 3600 * 1000); // the access token from the consent expires
		const expected = sandboxMessage(() => true);
		const result = await runWorkflow(
			chain(gmailNode({ resource: 'message', operation: 'get', messageId: expected.id })),
			{
				credentials: [before],
				credentialsHelper: helper,
			},
		);
		expect(result.error).toBeUndefined();
		expect(result.json('Gmail CRM')[0].providerMessageId).toBe(expected.id);
		expect(helper.tokenUpdates).toHaveLength(1);
		const saved = helper.credentials.get(before.id)!.data.oauthTokenData as {
			access_token: string;
		};
		expect(saved.access_token).not.toBe(
			(before.data.oauthTokenData as { access_token: string }).access_token,
		);
	});

	it('tells the user to reconnect when the grant was revoked', async () => {
		const revoked = await connectGoogleCredential(emu, 'gmailCrmOAuth2Api', GMAIL_SCOPES, {
			id: 'revoked',
			name: 'Revoked account',
		});
		emu.control.revokeGrants(emu.sandbox.googleEmail);
		const result = await runWorkflow(
			chain(
				crmNode(
					'gmailCrm',
					'Gmail CRM',
					{ resource: 'message', operation: 'get', messageId: sandboxMessage(() => true).id },
					{
						credentials: { gmailCrmOAuth2Api: { id: 'revoked', name: 'Revoked account' } },
					},
				),
			),
			{ credentials: [revoked] },
		);
		expect(result.error?.message).toMatch(
			/Revoked account.*needs to be reconnected|reconnect the credential/,
		);
		credential = await connectGoogleCredential(emu, 'gmailCrmOAuth2Api', GMAIL_SCOPES);
	});

	it('waits as asked by a 429 with Retry-After and then succeeds', async () => {
		const expected = sandboxMessage(() => true);
		emu.control.inject({
			operation: 'gmail.users.messages.get',
			status: 429,
			retryAfterSeconds: 1,
			times: 1,
		});
		emu.control.resetCalls();
		const started = Date.now();
		const result = await runWorkflow(
			chain(gmailNode({ resource: 'message', operation: 'get', messageId: expected.id })),
			{
				credentials: [credential],
			},
		);
		expect(result.error).toBeUndefined();
		expect(result.json('Gmail CRM')[0].providerMessageId).toBe(expected.id);
		expect(emu.control.calls().byOperation['gmail.users.messages.get']).toBe(2);
		expect(Date.now() - started).toBeGreaterThanOrEqual(900); // it waited for Retry-After
	});
});

describe('Gmail CRM node — service account refused', () => {
	it('explains a refused delegation in words, not as a generic bad request', async () => {
		const serviceAccount = serviceAccountCredential(
			emu,
			'someone@not-the-domain.example',
			GMAIL_SCOPES,
		);
		serviceAccount.data.delegatedEmail = 'outsider@elsewhere.example';
		const result = await runWorkflow(
			chain(
				crmNode(
					'gmailCrm',
					'Gmail CRM',
					{
						authentication: 'serviceAccount',
						resource: 'message',
						operation: 'get',
						messageId: 'x',
					},
					{
						credentials: {
							googleServiceAccountCrmApi: { id: serviceAccount.id, name: serviceAccount.name },
						},
					},
				),
			),
			{ credentials: [serviceAccount] },
		);
		expect(result.error?.message).toMatch(/Google refused the service account token/);
	});
});

describe('Gmail CRM node — API host unreachable', () => {
	it('names the address it could not reach and where to fix it', async () => {
		const closed = await findFreePort();
		const unreachable = {
			...credential,
			data: { ...credential.data, apiBaseUrl: `http://127.0.0.1:${closed}` },
		};
		const result = await runWorkflow(
			chain(gmailNode({ resource: 'label', operation: 'getMany' })),
			{ credentials: [unreachable] },
		);
		expect(result.error?.message).toBe(
			`http://127.0.0.1:${closed} refused the connection — check the credential's base URLs, or whether the service is up`,
		);
	});
});
