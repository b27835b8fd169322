// The test infrastructure itself: the proxied API server, tokens, the client, strings, events.
import { expect } from '@open-wc/testing';

import { CrmApiClient, CrmApiError } from './apiClient';
import { emit } from './events';
import { format, localize } from './strings';
import { API_BASE, seedInfo, testToken, WORKSPACE_A, WORKSPACE_B } from './testSupport';

describe('widget test infrastructure', () => {
	it('serves the seeded workspace through the proxied API with a test token', async () => {
		const client = new CrmApiClient({
			apiBase: API_BASE,
			workspaceId: WORKSPACE_A,
			token: await testToken(),
		});
		const answer = await client.call<{
			providers: Array<{
				provider: string;
				configured: boolean;
				integration: { status: string } | null;
			}>;
		}>('integrations.list');
		const google = answer.providers.find((entry) => entry.provider === 'google');
		expect(google?.configured).to.equal(true);
		expect(google?.integration?.status).to.equal('connected');
		const seed = await seedInfo();
		expect(seed.emailCount).to.be.greaterThan(10_000);
	});

	it('refuses a token of workspace A on workspace B with 403 forbidden', async () => {
		const client = new CrmApiClient({
			apiBase: API_BASE,
			workspaceId: WORKSPACE_B,
			token: await testToken(WORKSPACE_A),
		});
		let caught: unknown;
		try {
			await client.call('integrations.list');
		} catch (error) {
			caught = error;
		}
		expect(caught).to.be.instanceOf(CrmApiError);
		expect((caught as CrmApiError).status).to.equal(403);
		expect((caught as CrmApiError).code).to.equal('forbidden');
	});

	it('merges string overrides over the defaults and fills placeholders', () => {
		const strings = localize({ a: 'Alpha', b: 'Connected as {account}' }, {
			a: 'Eins',
			c: 'x',
		} as never);
		expect(strings).to.deep.equal({ a: 'Eins', b: 'Connected as {account}' });
		expect(format(strings.b, { account: 'me@x.test' })).to.equal('Connected as me@x.test');
	});

	it('emits bubbling, composed, optionally cancelable events', () => {
		const host = document.createElement('div');
		document.body.append(host);
		let seen: Event | undefined;
		document.body.addEventListener('crm-test', (event) => {
			seen = event;
			event.preventDefault();
		});
		const allowed = emit(host, 'crm-test' as never, { x: 1 } as never, { cancelable: true });
		expect(seen).to.be.instanceOf(CustomEvent);
		expect((seen as CustomEvent).composed).to.equal(true);
		expect(allowed).to.equal(false);
		host.remove();
	});
});
