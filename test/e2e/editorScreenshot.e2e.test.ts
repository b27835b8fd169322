// The n8n editor, in headless Chromium, showing a published example: the owner signs in through
// n8n's sign-in form, opens the Gmail CRM Trigger example and sees every node of it with its icon
// (served by n8n from this package under /icons/). The screenshot is the one the docs show
// (docs/images/example-workflow.png), rewritten only with CRM_UPDATE_SCREENSHOTS=1; otherwise it
// goes to <tmpdir>/crm-connect-example-workflow.png, to look at.
import { existsSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { chromium, type Browser } from 'playwright-core';

import { importPublishedWorkflows } from '../../scripts/n8n/sandbox';
import { E2E_OWNER, startCrmN8n, type CrmN8n } from './support/crmN8n';

jest.setTimeout(600_000);

const EXAMPLE = 'Example · Gmail CRM Trigger: log every new customer email and star it';
const CHROMIUM = process.env.CRM_CHROMIUM ?? '/usr/bin/chromium';
const DOCS_SCREENSHOT = path.join(__dirname, '..', '..', 'docs', 'images', 'example-workflow.png');
const VIEWPORT = { width: 1280, height: 720 };

describe('the n8n editor shows a published example with its node icons', () => {
	let n8n: CrmN8n | undefined;
	let browser: Browser | undefined;

	beforeAll(async () => {
		if (!existsSync(CHROMIUM)) {
			throw new Error(
				`No Chromium at ${CHROMIUM}: install it with \`apt-get install chromium\` ` +
					'(Debian/Ubuntu), or set CRM_CHROMIUM to the path of a Chromium or Chrome binary.',
			);
		}
		// Chromium starts while n8n boots; whichever started is closed in afterAll.
		const [launched, booted] = await Promise.allSettled([
			chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] }),
			startCrmN8n({ name: 'screenshot' }),
		]);
		if (launched.status === 'fulfilled') browser = launched.value;
		if (booted.status === 'fulfilled') n8n = booted.value;
		for (const outcome of [launched, booted])
			if (outcome.status === 'rejected') throw outcome.reason;
	});

	afterAll(async () => {
		await browser?.close();
		await n8n?.stop();
	});

	test('signed in, the Gmail CRM Trigger example renders every node with its icon', async () => {
		const { rest, main } = n8n as CrmN8n;
		// The example alone: the others would only make the import longer.
		const imported = await importPublishedWorkflows(rest, undefined, (name) => name === EXAMPLE);
		const example = imported.find((workflow) => workflow.name === EXAMPLE);
		if (!example) throw new Error(`"${EXAMPLE}" is not among the published examples`);

		const context = await (browser as Browser).newContext({ viewport: VIEWPORT });
		try {
			const page = await context.newPage();
			// Every answer to a node type or icon request (and each such request that got none).
			const answers: Array<{ url: string; status: number | string }> = [];
			const isAsset = (url: string) => /^\/(icons|types)\//.test(new URL(url).pathname);
			page.on('response', (response) => {
				if (isAsset(response.url()))
					answers.push({ url: response.url(), status: response.status() });
			});
			page.on('requestfailed', (request) => {
				if (isAsset(request.url()))
					answers.push({ url: request.url(), status: request.failure()?.errorText ?? 'failed' });
			});

			// n8n's sign-in form, as the owner.
			await page.goto(`${main.url}/signin`);
			await page.locator('input[name="emailOrLdapLoginId"]').fill(E2E_OWNER.email);
			await page.locator('input[name="password"]').fill(E2E_OWNER.password);
			await page.locator('[data-test-id="form-submit-button"]').click();
			await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 60_000 });

			await page.waitForLoadState('networkidle');

			// From here on, the page load this test is about: the workflow opened in the editor.
			answers.length = 0;
			await page.goto(`${main.url}/workflow/${example.stored.id}`);
			const nodes = page.locator('[data-test-id="canvas-node"]');
			await nodes.first().waitFor({ state: 'visible', timeout: 120_000 });
			// Every node of the workflow on the canvas, each icon image loaded (or failed) by now.
			await page.waitForFunction(
				`document.querySelectorAll('[data-test-id="canvas-node"]').length === ${example.workflow.nodes.length} &&
				[...document.querySelectorAll('[data-test-id="canvas-node"] img')].every((img) => img.complete)`,
				undefined,
				{ timeout: 60_000 },
			);
			await page.waitForLoadState('networkidle');

			// What n8n may lay over the canvas on a first visit: close it as a user would.
			for (let attempt = 0; attempt < 3; attempt++) {
				const overlays = page.locator('.el-overlay:visible, [role="dialog"]:visible');
				if ((await overlays.count()) === 0) break;
				await page.keyboard.press('Escape');
				await page.waitForTimeout(300);
			}

			const icons = await page.locator('[data-test-id="canvas-node"]').evaluateAll((elements) =>
				elements.map((element) => ({
					node: element.getAttribute('data-node-name') ?? element.textContent?.trim() ?? '',
					images: [...element.querySelectorAll('img')].map((img) => ({
						src: img.src,
						naturalWidth: img.naturalWidth,
					})),
				})),
			);
			expect(icons).toHaveLength(example.workflow.nodes.length);
			// Each node of this example is one of this package's, with an SVG icon of its own.
			const unrendered = icons.filter(
				({ images }) =>
					images.length !== 1 ||
					!images[0].src.includes('/icons/n8n-nodes-crm-connect/') ||
					images[0].naturalWidth === 0,
			);
			expect(unrendered).toEqual([]);
			expect(answers.filter((answer) => answer.status !== 200)).toEqual([]);
			expect(answers.some((answer) => new URL(answer.url).pathname.startsWith('/icons/'))).toBe(
				true,
			);

			const screenshot =
				process.env.CRM_UPDATE_SCREENSHOTS === '1'
					? DOCS_SCREENSHOT
					: path.join(os.tmpdir(), 'crm-connect-example-workflow.png');
			mkdirSync(path.dirname(screenshot), { recursive: true });
			const png = await page.screenshot({ path: screenshot });
			expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
			expect(png.readUInt32BE(16)).toBe(VIEWPORT.width);
			expect(png.readUInt32BE(20)).toBe(VIEWPORT.height);
		} finally {
			await context.close();
		}
	});
});
