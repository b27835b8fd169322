import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { forEachItem } from '../../../../shared/forEachItem';
import { readLimit, returnAllLimitProperties } from '../../../../shared/returnAllLimit';
import { threadItem, youtubeConnection } from '../../helpers/youtubeConnection';

const show = { resource: ['commentThread'], operation: ['getMany'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Comments On',
		name: 'scope',
		type: 'options',
		options: [
			{
				name: 'My Channel',
				value: 'myChannel',
				description: "Every video of the connected account's channel",
			},
			{ name: 'Channel', value: 'channel', description: 'Every video of a channel, by ID' },
			{ name: 'Video', value: 'video', description: 'One video, by ID' },
		],
		default: 'myChannel',
		displayOptions: { show },
	},
	{
		displayName: 'Channel ID',
		name: 'channelId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'UCxxxxxxxxxxxxxxxxxxxxxx',
		description: 'The channel whose comment threads to list',
		displayOptions: { show: { ...show, scope: ['channel'] } },
	},
	{
		displayName: 'Video ID',
		name: 'videoId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'dQw4w9WgXcQ',
		description: 'The video whose comment threads to list (the v= part of its URL)',
		displayOptions: { show: { ...show, scope: ['video'] } },
	},
	{
		displayName: 'Order',
		name: 'order',
		type: 'options',
		options: [
			{ name: 'Newest First', value: 'time' },
			{ name: 'Relevance', value: 'relevance' },
		],
		default: 'time',
		displayOptions: { show },
	},
	{
		displayName: 'Search Text',
		name: 'searchTerms',
		type: 'string',
		default: '',
		description: 'Only threads whose comments contain this text',
		displayOptions: { show },
	},
	...returnAllLimitProperties(show),
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const youtube = await youtubeConnection(this);
	let mine: Promise<string> | undefined;
	const myChannelId = () =>
		(mine ??= youtube.myChannels().then((channels) => {
			if (!channels[0]) throw new Error('The connected YouTube account has no channel');
			return channels[0].id;
		}));
	const target = (itemIndex: number) => {
		const scope = this.getNodeParameter('scope', itemIndex, 'myChannel') as string;
		if (scope === 'video')
			return `video '${this.getNodeParameter('videoId', itemIndex, '') as string}'`;
		if (scope === 'channel')
			return `channel '${this.getNodeParameter('channelId', itemIndex, '') as string}'`;
		return 'the connected channel';
	};
	return await forEachItem(
		this,
		{
			provider: 'YouTube',
			permission: 'youtube.readonly',
			notFound: (itemIndex) => `YouTube has no ${target(itemIndex)}`,
		},
		async (itemIndex) => {
			const scope = this.getNodeParameter('scope', itemIndex, 'myChannel') as string;
			const videoId =
				scope === 'video' ? (this.getNodeParameter('videoId', itemIndex) as string).trim() : '';
			const channelId =
				scope === 'channel'
					? (this.getNodeParameter('channelId', itemIndex) as string).trim()
					: scope === 'myChannel'
						? await myChannelId()
						: '';
			if (!videoId && !channelId) throw new Error(`The ${scope} ID is empty`);
			const threads = await youtube.commentThreads({
				channelId: channelId || undefined,
				videoId: videoId || undefined,
				order: this.getNodeParameter('order', itemIndex, 'time') as 'time' | 'relevance',
				searchTerms: (this.getNodeParameter('searchTerms', itemIndex, '') as string) || undefined,
				limit: readLimit(this, itemIndex),
			});
			return threads.map((thread) => ({ json: threadItem(thread) }));
		},
	);
}
