import type { EmbeddedServer } from '../../core/store/embeddedPostgres';

export default async function globalTeardown(): Promise<void> {
	const embedded = (globalThis as { crmEmbeddedServer?: EmbeddedServer }).crmEmbeddedServer;
	if (embedded) await embedded.stop();
}
