// A polling trigger polled the way an ACTIVE workflow polls it: n8n-core's PollContext in mode
// 'trigger' (not 'manual', which is the editor's "Fetch test event") run through n8n-core's
// TriggersAndPollers.runPollFunction. runWorkflow() covers the manual path; this covers the cursor
// path of an active trigger.
//
// Static data travels as n8n makes it travel: n8n saves a workflow's static data to its database as
// JSON when the poll marked it changed (ObservableObject's __dataChanged), and after a restart or
// a re-activation builds the workflow again from that JSON, which n8n-workflow's Workflow wraps in
// ObservableObject proxies all the way down. Every poll here starts from that restored state, so a
// trigger that only works on the objects it kept in memory (or that cannot read its own state
// through the proxies) fails here as it fails in n8n.
import { randomUUID } from 'node:crypto';

import { ExecutionLifecycleHooks, PollContext, TriggersAndPollers } from 'n8n-core';
import {
	Workflow,
	type IDataObject,
	type INode,
	type INodeExecutionData,
	type IWorkflowBase,
} from 'n8n-workflow';

import { TestCredentialsHelper, type StoredCredential } from '../harness/credentialsHelper';
// runWorkflow.ts also sets up n8n's logger and error reporter for the whole test file.
import { createAdditionalData, n8nContainer, nodeTypes } from '../harness/runWorkflow';

export interface ActivePollOptions {
	credentials?: StoredCredential[];
	/**
	 * The workflow's saved static data (what n8n's database holds), carried from poll to poll:
	 * replaced after a poll that changed it, as n8n saves it.
	 */
	staticData: IDataObject;
	credentialsHelper?: TestCredentialsHelper;
}

export interface ActivePollResult {
	/** What poll() returned: null when there was nothing new. */
	response: INodeExecutionData[][] | null;
	/** The first output's items ([] for null). */
	items: INodeExecutionData[];
	error?: Error;
}

/** Static data as n8n's database gives it back: plain JSON. */
const asSaved = (data: IDataObject): IDataObject => JSON.parse(JSON.stringify(data)) as IDataObject;

function replaceContents(target: IDataObject, source: IDataObject): void {
	for (const key of Object.keys(target)) delete target[key];
	Object.assign(target, source);
}

/** One poll of `node` as an active workflow runs it, its static data restored from JSON. */
export async function runActivePoll(
	node: INode,
	options: ActivePollOptions,
): Promise<ActivePollResult> {
	const credentialsHelper = options.credentialsHelper ?? new TestCredentialsHelper();
	for (const credential of options.credentials ?? []) credentialsHelper.add(credential);
	const saved = JSON.stringify(options.staticData);
	const workflow = new Workflow({
		id: 'active-poll',
		name: 'active poll',
		nodes: [node],
		connections: {},
		active: true,
		nodeTypes,
		// n8n-workflow wraps it (every nested object included) in ObservableObject proxies.
		staticData: asSaved(options.staticData),
		settings: { executionOrder: 'v1' },
	});
	const executionId = randomUUID();
	const hooks = new ExecutionLifecycleHooks('trigger', executionId, {
		id: workflow.id,
		name: workflow.name,
		nodes: [node],
		connections: {},
	} as unknown as IWorkflowBase);
	const context = new PollContext(
		workflow,
		workflow.getNode(node.name)!,
		createAdditionalData(credentialsHelper, hooks, executionId),
		'trigger',
		'activate',
	);
	let result: ActivePollResult;
	try {
		const response = await n8nContainer
			.get(TriggersAndPollers)
			.runPollFunction(workflow, workflow.getNode(node.name)!, context);
		result = { response, items: response?.[0] ?? [] };
	} catch (error) {
		result = { response: null, items: [], error: error as Error };
	}
	// n8n saves static data only when the poll marked it changed; what it did not notice is lost.
	const live = workflow.staticData as IDataObject & { __dataChanged?: boolean };
	if (live.__dataChanged) replaceContents(options.staticData, asSaved(live));
	if (!result.error && JSON.stringify(live) !== JSON.stringify(options.staticData)) {
		const before = saved === JSON.stringify(options.staticData) ? 'unchanged' : 'saved';
		result.error = new Error(
			`The trigger changed its static data in a way n8n does not notice (${before} copy differs from memory): n8n would lose that change`,
		);
	}
	return result;
}
