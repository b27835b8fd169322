import type { INodeType, INodeTypes, IVersionedNodeType } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { Crm } from '../../nodes/Crm/Crm.node';
import { GmailCrm } from '../../nodes/GmailCrm/GmailCrm.node';
import { ManualTrigger } from './manualTrigger';
import { HttpProbe } from './testTypes';

/** Our package's node types under the names n8n gives community nodes, plus the test trigger. */
export const PACKAGE = 'n8n-nodes-crm-connect';

const registry: Record<string, () => INodeType | IVersionedNodeType> = {
	'n8n-nodes-base.manualTrigger': () => new ManualTrigger(),
	[`${PACKAGE}.crm`]: () => new Crm(),
	[`${PACKAGE}.gmailCrm`]: () => new GmailCrm(),
	'n8n-nodes-crm-connect-test.httpProbe': () => new HttpProbe(),
};

export class TestNodeTypes implements INodeTypes {
	private readonly cache = new Map<string, INodeType | IVersionedNodeType>();

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		let type = this.cache.get(nodeType);
		if (!type) {
			const create = registry[nodeType];
			if (!create)
				throw new Error(`Unknown node type ${nodeType} (register it in test/harness/nodeTypes.ts)`);
			type = create();
			this.cache.set(nodeType, type);
		}
		return type;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	getKnownTypes() {
		return Object.fromEntries(
			Object.keys(registry).map((name) => [name, { className: name, sourcePath: '' }]),
		);
	}
}
