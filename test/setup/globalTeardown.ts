import { rmSync } from 'node:fs';

import type { EmbeddedServer } from '../../core/store/embeddedPostgres';

export default async function globalTeardown(): Promise<void> {
	const { crmEmbeddedServer: embedded, crmPackedFolder } = globalThis as {
		crmEmbeddedServer?: EmbeddedServer;
		crmPackedFolder?: string;
	};
	if (crmPackedFolder) rmSync(crmPackedFolder, { recursive: true, force: true });
	if (embedded) await embedded.stop();
}
