// crm-connect in a real n8n, as a user runs it: the pinned n8n release with this package installed
// as a community package (the tarball `npm pack` makes, unpacked into the user folder's nodes/),
// PostgreSQL as n8n's database, the provider emulator as the sandbox. Driven only through n8n's REST
// API and CLI, as the editor in a browser and a user's scripts drive it.
import { readFileSync } from 'node:fs';
import path from 'node:path';

import type { Themed } from 'n8n-workflow';

import { findFreePort } from '../../core/store/embeddedPostgres';
import { publishedWorkflows } from '../../scripts/n8n/examples';
import { emulatorConsent, importPublishedWorkflows } from '../../scripts/n8n/sandbox';
import { dropdown, failureOf } from './support/editorRequests';
import { SandboxActions } from './support/sandboxActions';
import { OAUTH_CREDENTIALS, startCrmN8n, type CrmN8n } from './support/crmN8n';

const root = path.join(__dirname, '../..');
const packageJson = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
	name: string;
	n8n: { nodes: string[]; credentials: string[] };
};

jest.setTimeout(900_000);

let crm: CrmN8n;

beforeAll(async () => {
	crm = await startCrmN8n({ name: 'main' });
}, 400_000);

afterAll(async () => {
	await crm?.stop();
});

interface TypeDescription {
	name: string;
	displayName: string;
	version: number | number[];
	iconUrl?: Themed<string>;
	usableAsTool?: boolean;
	group?: string[];
}

/** Our package's node types as n8n's editor receives them. */
async function ourNodeTypes(): Promise<TypeDescription[]> {
	const types = await crm.rest.request<TypeDescription[]>('GET', '/types/nodes.json');
	return types.filter((type) => type.name.startsWith(`${packageJson.name}.`));
}

async function ourCredentialTypes(): Promise<Array<TypeDescription & { name: string }>> {
	const types = await crm.rest.request<TypeDescription[]>('GET', '/types/credentials.json');
	const ours = new Set(
		packageJson.n8n.credentials.map((file) => path.basename(file, '.credentials.js')),
	);
	return types.filter((type) => ours.has(type.name.charAt(0).toUpperCase() + type.name.slice(1)));
}

/** What is wrong with one description's icon URLs, answered as the editor would fetch them. */
async function brokenIcons(label: string, iconUrl: Themed<string> | undefined): Promise<string[]> {
	if (!iconUrl) return [`${label}: no icon URL`];
	if (typeof iconUrl === 'string') return [`${label}: one icon for light and dark (${iconUrl})`];
	const broken: string[] = [];
	for (const theme of ['light', 'dark'] as const) {
		const url = iconUrl[theme];
		if (!url) {
			broken.push(`${label} (${theme}): none`);
			continue;
		}
		const response = await fetch(`${crm.main.url}/${url}`, {
			headers: { cookie: crm.rest.sessionCookie },
		});
		const body = Buffer.from(await response.arrayBuffer());
		const type = response.headers.get('content-type') ?? '';
		if (response.status !== 200 || body.length === 0 || !/svg|png/.test(type)) {
			broken.push(`${label} (${theme}): ${url} answered ${response.status} ${type}`);
		}
	}
	return broken;
}

/** The package's node and credential type names, from its built files (as n8n's loader reads them). */
function packagedTypeNames(): { nodes: string[]; credentials: string[] } {
	const load = (file: string) => {
		// eslint-disable-next-line @typescript-eslint/no-require-imports -- the built files, as n8n loads them
		const exported = require(path.join(root, file)) as Record<string, new () => unknown>;
		return new (Object.values(exported)[0])() as {
			name?: string;
			description?: { name: string };
		};
	};
	return {
		nodes: packageJson.n8n.nodes.map((file) => {
			const node = load(file);
			return `${packageJson.name}.${node.description?.name}`;
		}),
		credentials: packageJson.n8n.credentials.map((file) => String(load(file).name)),
	};
}

describe('loading', () => {
	test('n8n reports every node and credential of the package loaded, and logs no error', () => {
		const log = crm.mainLog();
		const loaded = /Loaded all credentials and nodes from n8n-nodes-crm-connect (\{.*?\})/.exec(
			log,
		);
		expect(loaded).not.toBeNull();
		expect(JSON.parse(loaded![1])).toMatchObject({
			credentials: packageJson.n8n.credentials.length,
			nodes: packageJson.n8n.nodes.length,
		});
		const errors = log.split('\n').filter((line) => /\| error \|/.test(line));
		expect(errors).toEqual([]);
		const ours = log
			.split('\n')
			.filter((line) => /\| warn /.test(line) && /crm-connect|crmConnect|Crm/.test(line));
		expect(ours).toEqual([]);
	});

	test('/types/nodes.json lists every node of the package and the Tool variant of each action node', async () => {
		const types = await ourNodeTypes();
		const names = new Set(types.map((type) => type.name));
		const packaged = packagedTypeNames();
		for (const name of packaged.nodes)
			expect({ name, listed: names.has(name) }).toEqual({ name, listed: true });
		// Triggers (and the CRM API node, which serves HTTP) start workflows; the rest are actions.
		const groups = new Map(types.map((type) => [type.name, type.group ?? []]));
		const actionNodes = packaged.nodes.filter(
			(name) => !/Trigger$/.test(name) && !groups.get(name)?.includes('trigger'),
		);
		// CRM, Gmail CRM, Microsoft 365 CRM, Google Calendar CRM, YouTube CRM, Google Ads CRM.
		expect(actionNodes.length).toBe(6);
		for (const name of actionNodes) {
			expect({ tool: `${name}Tool`, listed: names.has(`${name}Tool`) }).toEqual({
				tool: `${name}Tool`,
				listed: true,
			});
		}
		const credentials = new Set((await ourCredentialTypes()).map((type) => type.name));
		expect([...credentials].sort()).toEqual([...packaged.credentials].sort());
	});

	test('every icon URL the editor requests answers 200 (nodes, versions, Tool variants, credentials; light and dark)', async () => {
		const broken: string[] = [];
		const nodes = await ourNodeTypes();
		for (const type of nodes) {
			broken.push(
				...(await brokenIcons(`${type.name} v${JSON.stringify(type.version)}`, type.iconUrl)),
			);
		}
		for (const type of await ourCredentialTypes()) {
			broken.push(...(await brokenIcons(`credential ${type.name}`, type.iconUrl)));
		}
		expect(broken).toEqual([]);
		// Versioned nodes are listed once per version: every one was checked.
		expect(nodes.length).toBeGreaterThanOrEqual(packageJson.n8n.nodes.length + 4);
	});
});

describe('credentials', () => {
	test("every OAuth credential connects through n8n's flow; the nodes' dropdowns work with it", async () => {
		for (const key of OAUTH_CREDENTIALS) {
			const { id, type } = crm.credentials[key];
			const stored = await crm.rest.request<{ data?: { oauthTokenData?: unknown } }>(
				'GET',
				`/rest/credentials/${id}?includeData=true`,
			);
			// n8n holds the tokens (it shows `true` for them, never the tokens themselves).
			expect({ type, connected: stored.data?.oauthTokenData }).toEqual({ type, connected: true });
		}
		expect((await dropdown(crm, 'gmail')).map((option) => option.value)).toEqual(
			expect.arrayContaining(['INBOX', 'STARRED']),
		);
		expect((await dropdown(crm, 'calendar')).length).toBeGreaterThan(0);
		expect((await dropdown(crm, 'microsoft')).map((option) => option.name)).toEqual(
			expect.arrayContaining(['Inbox']),
		);
		expect((await crm.rest.testCredential(crm.credentials.database.id)).status).toBe('OK');
	});

	test('the CRM Database credential test says what is wrong: a bad schema name, a host that does not answer', async () => {
		const badSchema = await crm.rest.saveCredential('CRM Database (bad schema)', 'crmDatabase', {
			connectionType: 'url',
			url: crm.crmDatabase.url,
			schema: 'crm data; drop',
			ssl: 'disable',
		});
		const schemaResult = await crm.rest.testCredential(badSchema.id);
		expect(schemaResult.status).toBe('Error');
		expect(schemaResult.message).toMatch(/schema/i);
		expect(schemaResult.message).not.toMatch(/^\s*[[{]/);

		const wrongHost = await crm.rest.saveCredential('CRM Database (wrong host)', 'crmDatabase', {
			connectionType: 'url',
			url: 'postgres://crm@db.invalid:5432/crm',
			schema: 'crm',
			ssl: 'disable',
		});
		const hostResult = await crm.rest.testCredential(wrongHost.id);
		expect(hostResult.status).toBe('Error');
		expect(hostResult.message).toMatch(/db\.invalid/);
		// Gone again, so the examples find one credential of each type, as a newcomer's n8n has.
		await crm.rest.deleteCredential(badSchema.id);
		await crm.rest.deleteCredential(wrongHost.id);
	});

	test('the service account credential passes its test with delegation, and says why when Google refuses it', async () => {
		const { googleEmail } = crm.emulator.sandbox;
		const serviceAccount = (domain: string) => ({
			serviceAccountKey: JSON.stringify(crm.emulator.control.createServiceAccount(domain)),
			delegatedEmail: googleEmail,
			scopes: 'https://www.googleapis.com/auth/gmail.readonly',
			customEndpoints: true,
			tokenUrl: crm.emulator.urls.googleToken,
			apiBaseUrl: crm.emulator.baseUrl,
		});
		const delegated = await crm.rest.saveCredential(
			'Workspace service account',
			'googleServiceAccountCrmApi',
			serviceAccount(googleEmail.split('@')[1]),
		);
		const undelegated = await crm.rest.saveCredential(
			'Service account of another domain',
			'googleServiceAccountCrmApi',
			serviceAccount('elsewhere.example'),
		);
		try {
			expect(await crm.rest.testCredential(delegated.id)).toMatchObject({ status: 'OK' });
			const refused = await crm.rest.testCredential(undelegated.id);
			expect(refused.status).toBe('Error');
			expect(refused.message).toMatch(/delegat/i);
		} finally {
			await crm.rest.deleteCredential(delegated.id);
			await crm.rest.deleteCredential(undelegated.id);
		}
	});

	test('an OAuth credential that is not connected yet fails its test; a wrong API host is named where it is used', async () => {
		const closedPort = await findFreePort();
		const credential = await crm.rest.saveCredential('Gmail (wrong host)', 'gmailCrmOAuth2Api', {
			clientId: crm.emulator.sandbox.clientId,
			clientSecret: crm.emulator.sandbox.clientSecret,
			customEndpoints: true,
			authBaseUrl: crm.emulator.baseUrl,
			tokenBaseUrl: crm.emulator.baseUrl,
			apiBaseUrl: `http://127.0.0.1:${closedPort}`,
		});
		try {
			expect((await crm.rest.testCredential(credential.id)).status).toBe('Error');
			await crm.rest.connectOAuth2(
				credential.id,
				emulatorConsent(crm.emulator, crm.emulator.sandbox.googleEmail),
			);
			const message = await failureOf(() => dropdown(crm, 'gmail', credential));
			expect(message).toContain(`http://127.0.0.1:${closedPort} refused the connection`);
			expect(message).toMatch(/check the credential's base URLs/);
		} finally {
			// Gone again, so the examples find one credential of each type, as a newcomer's n8n has.
			await crm.rest.deleteCredential(credential.id);
		}
	});
});

describe('every published example, imported as published and run twice', () => {
	const MANUAL = {
		gmail: 'Example · Gmail CRM: answer every unread message from a customer domain',
		outlook: 'Example · Microsoft 365 CRM: reply to unread mail from a customer and mark it read',
		calendar:
			'Example · Google Calendar CRM: give every customer demo of the next four weeks a Google Meet link',
		database: 'Example · check the database',
	};
	let imported: Awaited<ReturnType<typeof importPublishedWorkflows>>;
	let sandbox: SandboxActions;

	beforeAll(async () => {
		sandbox = new SandboxActions(crm.emulator);
		imported = await importPublishedWorkflows(crm.rest);
	});

	test('every example and template imports, its credentials resolved by name', async () => {
		const published = publishedWorkflows();
		expect(imported.map((workflow) => workflow.name)).toEqual(published.map((p) => p.name));
		for (const name of Object.values(MANUAL)) {
			expect(imported.find((workflow) => workflow.name === name)?.kind).toBe('manual');
		}
		const stored = await crm.rest.request<Array<{ id: string; name: string; active: boolean }>>(
			'GET',
			'/rest/workflows',
		);
		for (const workflow of imported) {
			const found = stored.find((candidate) => candidate.id === workflow.stored.id);
			expect({ name: workflow.name, active: found?.active }).toEqual({
				name: workflow.name,
				active: false,
			});
			// Every node that needs a credential got one of the sandbox's.
			const full = await crm.rest.request<{
				nodes: Array<{ name: string; type: string; credentials?: object }>;
			}>('GET', `/rest/workflows/${workflow.stored.id}`);
			const ours = full.nodes.filter((node) => node.type.startsWith(`${packageJson.name}.`));
			for (const node of ours) {
				expect({
					workflow: workflow.name,
					node: node.name,
					credentials: Boolean(node.credentials),
				}).toEqual({
					workflow: workflow.name,
					node: node.name,
					credentials: true,
				});
			}
		}
	});

	/** `n8n execute --id`, judged by the execution n8n saved (see the README's troubleshooting). */
	async function executeByCli(name: string): Promise<{ exitCode: number | string | null }> {
		const workflow = imported.find((candidate) => candidate.name === name)!;
		const before = (await crm.rest.executions(workflow.stored.id)).length;
		const run = await crm.cli(['execute', `--id=${workflow.stored.id}`]);
		const runs = await crm.rest.executions(workflow.stored.id);
		if (runs.length !== before + 1) {
			throw new Error(
				`"${name}": n8n saved ${runs.length - before} executions of \`n8n execute\` (exit ${run.code}, ${run.signal}):\n${run.output.slice(-3000)}`,
			);
		}
		const latest = runs.sort((a, b) => Number(b.id) - Number(a.id))[0];
		if (latest.status !== 'success') {
			const detail = await crm.rest.execution(latest.id);
			throw new Error(
				`"${name}" ended ${latest.status}: ${JSON.stringify(detail.data.resultData.error ?? {})}\n${run.output.slice(-2000)}`,
			);
		}
		// A crash after the run (signal SIGSEGV, status 139) is reported, not failed: see the README.
		return { exitCode: run.code ?? run.signal };
	}

	test('each manual example runs twice by `n8n execute` and does its work once', async () => {
		// What each example works on: unread customer mail in both mailboxes, a demo next week.
		await sandbox.deliverGmail(2, { email: 'dana@customer.example', name: 'Dana Customer' });
		await sandbox.deliverOutlook(2, { email: 'customer@example.com', name: 'Chris Customer' });
		const demo = await sandbox.bookMeeting('Customer demo: crm-connect', 7);
		const unreadGmail = await sandbox.gmailSearch('is:unread from:customer.example');
		const unreadOutlook = await sandbox.outlookSearch(
			"isRead eq false and from/emailAddress/address eq 'customer@example.com'",
		);
		expect(unreadGmail.length).toBeGreaterThanOrEqual(2);
		expect(unreadOutlook.length).toBeGreaterThanOrEqual(2);
		const sentBefore = (await sandbox.gmailSentIds()).length;
		const outlookSentBefore = await sandbox.outlookSentCount();

		const exitCodes: Array<number | string | null> = [];
		for (const name of Object.values(MANUAL)) exitCodes.push((await executeByCli(name)).exitCode);
		// First run: every unread customer message answered and read, the demo given a Meet link.
		expect((await sandbox.gmailSentIds()).length).toBe(
			sentBefore + Math.min(unreadGmail.length, 20),
		);
		expect(await sandbox.gmailSearch('is:unread from:customer.example')).toEqual([]);
		expect(await sandbox.outlookSentCount()).toBe(outlookSentBefore + unreadOutlook.length);
		for (const id of unreadOutlook) expect((await sandbox.outlookMessage(id)).isRead).toBe(true);
		const withMeet = await sandbox.calendarEvent(demo);
		expect(withMeet.hangoutLink).toEqual(expect.any(String));

		for (const name of Object.values(MANUAL)) exitCodes.push((await executeByCli(name)).exitCode);
		// Second run: nothing answered again, the Meet link kept.
		expect((await sandbox.gmailSentIds()).length).toBe(
			sentBefore + Math.min(unreadGmail.length, 20),
		);
		expect(await sandbox.outlookSentCount()).toBe(outlookSentBefore + unreadOutlook.length);
		expect((await sandbox.calendarEvent(demo)).hangoutLink).toBe(withMeet.hangoutLink);
		console.log(`n8n execute exit codes: ${exitCodes.join(', ')}`);
	});
});
