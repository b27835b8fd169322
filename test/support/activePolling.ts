// A polling trigger polled the way an ACTIVE workflow polls it: n8n-core's PollContext in mode
// 'trigger' (not 'manual', which is the editor's "Fetch test event") run through n8n-core's
// TriggersAndPollers.runPollFunction, with the workflow's static data kept between polls by the
// caller. runWorkflow() covers the manual path; this covers the cursor path of an active trigger.
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
	/** The workflow's static data, carried from poll to poll (mutated in place, as n8n does). */
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

/** One poll of `node` as an active workflow runs it. */
export async function runActivePoll(
	node: INode,
	options: ActivePollOptions,
): Promise<ActivePollResult> {
	const credentialsHelper = options.credentialsHelper ?? new TestCredentialsHelper();
	for (const credential of options.credentials ?? []) credentialsHelper.add(credential);
	const workflow = new Workflow({
		id: 'active-poll',
		name: 'active poll',
		nodes: [node],
		connections: {},
		active: true,
		nodeTypes,
		staticData: options.staticData,
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
	try {
		const response = await n8nContainer
			.get(TriggersAndPollers)
			.runPollFunction(workflow, workflow.getNode(node.name)!, context);
		return { response, items: response?.[0] ?? [] };
	} catch (error) {
		return { response: null, items: [], error: error as Error };
	}
}
