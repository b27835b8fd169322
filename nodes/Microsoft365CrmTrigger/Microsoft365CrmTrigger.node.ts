import {
	NodeConnectionTypes,
	type IDataObject,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IPollFunctions,
} from 'n8n-workflow';

import {
	ProviderHttpError,
	graphPathSegment,
	newestGraphMail,
	pollGraphNewMail,
	type WatchedFolder,
} from '../../core';
import { toNodeError } from '../shared/providerErrors';
import {
	microsoftConnection,
	microsoftNotFound,
	type MicrosoftConnection,
} from '../shared/microsoftConnection';
import { getMailFolders } from '../shared/microsoftMailFolders';

type MailboxFolders = 'inboxAndSent' | 'inbox' | 'chosen';

/** Where the trigger keeps its cursors in the workflow's static data. */
const STATE_KEY = 'mailDelta';

export class Microsoft365CrmTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Microsoft 365 CRM Trigger',
		name: 'microsoft365CrmTrigger',
		icon: {
			light: 'file:microsoft365CrmTrigger.svg',
			dark: 'file:microsoft365CrmTrigger.dark.svg',
		},
		group: ['trigger'],
		version: 1,
		subtitle: 'New mail',
		description:
			'Starts the workflow once for each new Outlook message, read from Microsoft Graph delta queries per folder',
		defaults: { name: 'Microsoft 365 CRM Trigger' },
		credentials: [{ name: 'microsoft365CrmOAuth2Api', required: true }],
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [
			{
				displayName: 'Folders',
				name: 'mailboxFolders',
				type: 'options',
				options: [
					{
						name: 'Inbox and Sent Items',
						value: 'inboxAndSent',
						description: 'Mail received and mail sent by this account',
					},
					{ name: 'Inbox Only', value: 'inbox', description: 'Mail received' },
					{
						name: 'Only the Folders Chosen Below',
						value: 'chosen',
					},
				],
				default: 'inboxAndSent',
			},
			{
				displayName: 'More Folder Names or IDs',
				name: 'additionalFolders',
				type: 'multiOptions',
				typeOptions: { loadOptionsMethod: 'getMailFolders' },
				default: [],
				description:
					'Other folders to watch (each has its own delta). Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			{
				displayName: 'Skip Mail Sent by This Account',
				name: 'skipOwnMail',
				type: 'boolean',
				default: true,
				description:
					'Whether to ignore messages from the connected account that land in the Inbox (copies of mail sent to yourself or a list you are on)',
				displayOptions: { show: { mailboxFolders: ['inbox'] } },
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				options: [
					{
						displayName: 'Page Size',
						name: 'pageSize',
						type: 'number',
						typeOptions: { minValue: 1, maxValue: 1000 },
						default: 100,
						description: 'Messages per Graph delta page (odata.maxpagesize)',
					},
				],
			},
		],
	};

	methods = { loadOptions: { getMailFolders } };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		let connection: MicrosoftConnection | undefined;
		let folders: WatchedFolder[] = [];
		try {
			connection = await microsoftConnection(this);
			folders = await watchedFolders(this, connection);
			const ownerEmail = await connection.ownerEmail();
			if (this.getMode() === 'manual') return await sample(connection, folders, ownerEmail);

			const mailboxFolders = this.getNodeParameter('mailboxFolders') as MailboxFolders;
			const options = this.getNodeParameter('options', {}) as { pageSize?: number };
			const staticData = this.getWorkflowStaticData('node');
			const result = await pollGraphNewMail(connection.graph, staticData[STATE_KEY], {
				folders,
				ownerEmail,
				skipOwnMail:
					mailboxFolders === 'inbox' && (this.getNodeParameter('skipOwnMail', true) as boolean),
				pageSize: options.pageSize ?? 100,
			});
			// Stored only now, as a new plain object (n8n notices the assignment and saves it): a
			// poll that failed above keeps the previous cursors.
			if (JSON.stringify(result.state) !== JSON.stringify(staticData[STATE_KEY] ?? null)) {
				staticData[STATE_KEY] = result.state as unknown as IDataObject;
			}
			if (result.newMail.length === 0) return null;
			return [result.newMail.map(({ item }) => ({ json: item.record as unknown as IDataObject }))];
		} catch (error) {
			const missing =
				connection && error instanceof ProviderHttpError && error.status === 404
					? await missingFolder(connection, folders)
					: undefined;
			throw toNodeError(this.getNode(), error, {
				provider: 'Microsoft 365',
				permission: 'Mail.ReadWrite',
				notFound: missing ? microsoftNotFound('mail folder', missing) : undefined,
			});
		}
	}
}

async function watchedFolders(
	context: IPollFunctions,
	connection: MicrosoftConnection,
): Promise<WatchedFolder[]> {
	const mailboxFolders = context.getNodeParameter('mailboxFolders') as MailboxFolders;
	const chosen = (context.getNodeParameter('additionalFolders', []) as string[]).filter(Boolean);
	const folders: WatchedFolder[] = [];
	if (mailboxFolders !== 'chosen') folders.push({ ref: 'inbox', label: 'inbox' });
	if (mailboxFolders === 'inboxAndSent') folders.push({ ref: 'sentitems', label: 'sentitems' });
	if (chosen.length) {
		const names = await connection.folderNames();
		for (const id of chosen) {
			const label = names[id] ?? id;
			// The Inbox chosen again by id is the same folder: one delta, not two.
			if (!folders.some((folder) => folder.label === label)) folders.push({ ref: id, label });
		}
	}
	return folders;
}

/**
 * The watched folder that is gone, when a poll answered 404 (Graph does not say which delta it
 * was): each chosen folder is asked for.
 */
async function missingFolder(
	connection: MicrosoftConnection,
	folders: WatchedFolder[],
): Promise<string | undefined> {
	for (const folder of folders) {
		try {
			await connection.graph.get(`/me/mailFolders/${graphPathSegment(folder.ref)}`, {
				select: ['id'],
			});
		} catch (probe) {
			if (probe instanceof ProviderHttpError && probe.status === 404) return folder.ref;
		}
	}
	return undefined;
}

/** "Fetch test event": the newest message of the watched folders, cursors untouched. */
async function sample(
	connection: MicrosoftConnection,
	folders: WatchedFolder[],
	ownerEmail: string,
): Promise<INodeExecutionData[][] | null> {
	for (const folder of folders) {
		const newest = await newestGraphMail(connection.graph, {
			folder: folder.ref,
			folderLabel: folder.label,
			ownerEmail,
		});
		if (newest) return [[{ json: newest.record as unknown as IDataObject }]];
	}
	return null;
}
