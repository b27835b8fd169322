// The built bundles (npm run build → dist/widgets/) work in the browser: the full crm-connect.js
// defines all three elements and renders against the API; each per-element module defines only
// its own element. Skipped when dist/widgets has not been built.
import { expect } from '@open-wc/testing';

import { API_BASE, testToken, waitFor, WORKSPACE_A } from './testSupport';

const DIST = '/dist/widgets';

async function built(): Promise<boolean> {
	const response = await fetch(`${DIST}/crm-connect.js`, { method: 'HEAD' });
	return response.ok;
}

/** A frame that loads one module; resolves with its window once the module ran. */
async function frameWith(module: string): Promise<Window> {
	const frame = document.createElement('iframe');
	frame.srcdoc = `<script type="module" src="${location.origin}${module}"></script>`;
	document.body.append(frame);
	await waitFor(
		() =>
			frame.contentWindow?.customElements.get('crm-connect-status') !== undefined ||
			frame.contentWindow?.customElements.get('crm-inbox') !== undefined ||
			frame.contentWindow?.customElements.get('crm-calendar') !== undefined,
		10_000,
		module,
	);
	return frame.contentWindow!;
}

describe('built widget bundles', function () {
	before(async function () {
		if (!(await built())) this.skip();
	});

	it('crm-connect.js defines the three elements and renders with the API', async () => {
		const frame = await frameWith(`${DIST}/crm-connect.js`);
		for (const tag of ['crm-connect-status', 'crm-inbox', 'crm-calendar']) {
			expect(frame.customElements.get(tag), tag).to.not.equal(undefined);
		}
		const el = frame.document.createElement('crm-connect-status');
		el.setAttribute('api-base', API_BASE);
		el.setAttribute('workspace-id', WORKSPACE_A);
		el.setAttribute('token', await testToken());
		frame.document.body.append(el);
		await waitFor(() => el.shadowRoot?.querySelector('[part=account]'), 10_000, 'the account');
		expect(el.shadowRoot!.querySelector('[part=account]')!.textContent).to.equal(
			'Connected as sandbox@crm-connect.test',
		);
	});

	for (const [module, tag] of [
		['connect-status.js', 'crm-connect-status'],
		['inbox.js', 'crm-inbox'],
		['calendar.js', 'crm-calendar'],
	]) {
		it(`${module} defines only <${tag}>`, async () => {
			const frame = await frameWith(`${DIST}/${module}`);
			for (const other of ['crm-connect-status', 'crm-inbox', 'crm-calendar']) {
				expect(frame.customElements.get(other) !== undefined, other).to.equal(other === tag);
			}
		});
	}
});
