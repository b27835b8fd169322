// What the widget render benches (calendarRender, inboxRender) share: the widget bundled as the
// page loads it, the headless Chromium they measure in, and the median of their runs.
import path from 'node:path';

import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const gulpfile = require('../../gulpfile.js') as {
	widgetBuildOptions(): Parameters<typeof build>[0];
};

/** A widget entry (relative to widgets/, e.g. `inbox/inbox.ts`) bundled as the build ships it. */
export async function bundleWidget(entry: string): Promise<string> {
	const result = await build({
		...gulpfile.widgetBuildOptions(),
		entryPoints: [path.join(__dirname, '../../widgets', entry)],
		write: false,
		logLevel: 'silent',
	});
	return result.outputFiles[0]!.text;
}

/** Headless Chromium (CHROMIUM_PATH, else /usr/bin/chromium). */
export async function launchChromium(): Promise<Browser> {
	return await chromium.launch({
		executablePath: CHROMIUM,
		headless: true,
		args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
	});
}

export const median = (values: number[]) => {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)]!;
};
