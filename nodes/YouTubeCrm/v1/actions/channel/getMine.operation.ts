import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { forEachItem } from '../../../../shared/forEachItem';
import { youtubeConnection } from '../../helpers/youtubeConnection';

const count = (value: string | number | undefined) => (value === undefined ? null : Number(value));

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const youtube = await youtubeConnection(this);
	return await forEachItem(
		this,
		{ provider: 'YouTube', permission: 'youtube.readonly' },
		async () => {
			const channels = await youtube.myChannels();
			// An account without a channel is an answer, not an error: nothing to output.
			return channels.map((channel) => ({
				json: {
					id: channel.id,
					title: channel.snippet?.title ?? null,
					description: channel.snippet?.description ?? null,
					customUrl: channel.snippet?.customUrl ?? null,
					publishedAt: channel.snippet?.publishedAt ?? null,
					country: channel.snippet?.country ?? null,
					subscriberCount: channel.statistics?.hiddenSubscriberCount
						? null
						: count(channel.statistics?.subscriberCount),
					videoCount: count(channel.statistics?.videoCount),
					viewCount: count(channel.statistics?.viewCount),
					uploadsPlaylistId: channel.contentDetails?.relatedPlaylists?.uploads ?? null,
				},
			}));
		},
	);
}
