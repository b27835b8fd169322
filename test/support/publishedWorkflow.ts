// A documented example workflow as a user imports it: the first ```json block of a docs page, with
// credentials referenced by name resolved the way n8n's import does (a reference whose id is null
// takes the id of the user's credential of that name and type).
import { readFileSync } from 'node:fs';
import path from 'node:path';

import type { StoredCredential } from '../harness/credentialsHelper';
import type { WorkflowDefinition } from '../harness/runWorkflow';

export function publishedWorkflow(page: string): WorkflowDefinition {
	const doc = readFileSync(path.join(__dirname, '../../docs/nodes', page), 'utf8');
	const json = /```json\n([\s\S]*?)```/.exec(doc)?.[1];
	if (!json) throw new Error(`docs/nodes/${page} has no example workflow`);
	return JSON.parse(json) as WorkflowDefinition;
}

/**
 * Gives every name-only credential reference the id of the stored credential with that name and
 * type; a reference with an id (which would only match on the author's own n8n) is an error.
 */
export function resolveCredentialsByName(
	workflow: WorkflowDefinition,
	credentials: StoredCredential[],
): WorkflowDefinition {
	for (const node of workflow.nodes) {
		for (const [type, reference] of Object.entries(node.credentials ?? {})) {
			if (reference.id !== null) {
				throw new Error(`${node.name} references its ${type} credential by id ${reference.id}`);
			}
			const found = credentials.find((c) => c.type === type && c.name === reference.name);
			if (!found) throw new Error(`no ${type} credential named "${reference.name}"`);
			node.credentials![type] = { id: found.id, name: found.name };
		}
	}
	return workflow;
}
