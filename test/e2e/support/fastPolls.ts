// Poll triggers that poll every few seconds instead of once a minute, for the end-to-end files
// that activate the published trigger examples and wait for their polls.
//
// n8n refuses a poll time that fires more than once a minute (a cron with anything but a single
// second in its seconds field), but it takes a list of poll times: one minute-granular cron per
// offset ("0 * * * * *", "15 * * * * *", …) polls every 15 s, on the clock. Evenly spaced, each
// poll has the whole interval to finish before the next one reads the node's cursor, as with the
// published "every minute". Nothing else of the example changes.
import type { WorkflowJson } from '../../../scripts/n8n/rest';

/** Seconds between two polls: the interval divides 60, so the polls stay evenly spaced. */
export const FAST_POLL_SECONDS = 15;

export function fastPollTimes(seconds = FAST_POLL_SECONDS) {
	if (60 % seconds !== 0)
		throw new Error(`a poll interval of ${seconds} s does not divide a minute`);
	const item: Array<{ mode: 'custom'; cronExpression: string }> = [];
	for (let second = 0; second < 60; second += seconds) {
		item.push({ mode: 'custom', cronExpression: `${second} * * * * *` });
	}
	return { item };
}

/** The workflow with every poll trigger's poll times replaced by `fastPollTimes()`. */
export function withFastPolls(workflow: WorkflowJson, seconds = FAST_POLL_SECONDS): WorkflowJson {
	return {
		...workflow,
		nodes: workflow.nodes.map((node) => {
			const parameters = node.parameters as Record<string, unknown> | undefined;
			if (!parameters || !('pollTimes' in parameters)) return node;
			return { ...node, parameters: { ...parameters, pollTimes: fastPollTimes(seconds) } };
		}),
	};
}
