// Every workflow this repository publishes: the example of each node page (docs/nodes/*.md, the
// first JSON block under "## Example: …"), the README's examples, and the templates in
// workflows/. `npm start` imports them into the sandbox n8n; the end-to-end suite runs them.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import type { WorkflowJson } from './rest';

export interface PublishedWorkflow {
	/** Name given in n8n: says where it comes from and what it does. */
	name: string;
	/** File it is published in, relative to the repository. */
	source: string;
	workflow: WorkflowJson;
	/** Started by hand (Manual Trigger) or by one of its trigger nodes once active. */
	kind: 'manual' | 'trigger';
}

const root = path.resolve(__dirname, '..', '..');

const isTrigger = (type: string) => /trigger$/i.test(type) && !/manualTrigger$/.test(type);

function kindOf(workflow: WorkflowJson): PublishedWorkflow['kind'] {
	return workflow.nodes.some((node) => isTrigger(node.type)) ? 'trigger' : 'manual';
}

/** JSON blocks under "## Example: <title>" headings of a Markdown file. */
function examplesIn(file: string): Array<{ title: string; workflow: WorkflowJson }> {
	const text = readFileSync(file, 'utf8');
	const found: Array<{ title: string; workflow: WorkflowJson }> = [];
	const heading = /^#{2,3} Example(?:[^:\n]*)?: (.+)$/gm;
	for (let match = heading.exec(text); match; match = heading.exec(text)) {
		const rest = text.slice(match.index);
		const block = /```json\n([\s\S]*?)\n```/.exec(rest);
		if (!block) continue;
		const workflow = JSON.parse(block[1]) as WorkflowJson;
		if (Array.isArray(workflow.nodes)) found.push({ title: match[1].trim(), workflow });
	}
	return found;
}

export function publishedWorkflows(): PublishedWorkflow[] {
	const published: PublishedWorkflow[] = [];
	const docs = path.join(root, 'docs', 'nodes');
	const pages = existsSync(docs) ? readdirSync(docs).filter((file) => file.endsWith('.md')) : [];
	for (const page of pages.sort()) {
		const file = path.join(docs, page);
		const node = /^# (.+)$/m.exec(readFileSync(file, 'utf8'))?.[1] ?? page;
		for (const { title, workflow } of examplesIn(file)) {
			published.push({
				name: `Example · ${node}: ${title}`,
				source: path.relative(root, file),
				workflow,
				kind: kindOf(workflow),
			});
		}
	}
	for (const { title, workflow } of examplesIn(path.join(root, 'README.md'))) {
		published.push({
			name: `Example · ${title}`,
			source: 'README.md',
			workflow,
			kind: kindOf(workflow),
		});
	}
	const templates = path.join(root, 'workflows');
	const files = existsSync(templates)
		? readdirSync(templates).filter((file) => file.endsWith('.json'))
		: [];
	for (const file of files.sort()) {
		const workflow = JSON.parse(readFileSync(path.join(templates, file), 'utf8')) as WorkflowJson;
		published.push({
			name: `Template · ${workflow.name ?? file}`,
			source: `workflows/${file}`,
			workflow,
			kind: kindOf(workflow),
		});
	}
	return published;
}
