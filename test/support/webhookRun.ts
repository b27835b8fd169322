// A webhook node's call as n8n's webhook server makes it, for the workflow tests that route HTTP
// requests to a node themselves: the response with Express's `status()`, then the node's webhook
// method in n8n-core's own WebhookContext.
import type http from 'node:http';

import { WebhookContext } from 'n8n-core';
import type {
	IDataObject,
	INode,
	INodeType,
	IWebhookData,
	IWorkflowExecuteAdditionalData,
	Workflow,
} from 'n8n-workflow';

/** The response with the `status(code)` n8n's (Express) response has. */
export function withStatus<T extends http.ServerResponse>(
	response: T,
): T & { status(code: number): T } {
	const res = Object.assign(response, {
		status(code: number) {
			response.statusCode = code;
			return res;
		},
	});
	return res;
}

export interface WebhookCall {
	nodeType: INodeType;
	workflow: Workflow;
	node: INode;
	additionalData: IWorkflowExecuteAdditionalData;
	webhookData: IWebhookData;
	response: http.ServerResponse;
	/** What the node logs goes to this list (n8n's log), not to the test output. */
	logged: string[];
	/** The items the node hands n8n to run. */
	started: IDataObject[];
}

/** Runs the node's webhook method; the node answers itself (`noWebhookResponse`). */
export async function runNodeWebhook(call: WebhookCall): Promise<void> {
	const { logged, response } = call;
	const context = new WebhookContext(
		call.workflow,
		call.node,
		call.additionalData,
		'webhook',
		call.webhookData,
		[],
		null,
	);
	const record = (level: string) => (message: string) => logged.push(`${level}: ${message}`);
	Object.defineProperty(context, 'logger', {
		value: {
			info: record('info'),
			warn: record('warn'),
			error: record('error'),
			debug: record('debug'),
		},
	});
	const result = await call.nodeType.webhook!.call(context);
	expect(result.noWebhookResponse).toBe(true);
	for (const item of result.workflowData?.[0] ?? []) call.started.push(item.json);
	if (!response.writableEnded) response.end();
}
