// The Atom documents YouTube's hub delivers (developers.google.com/youtube/v3/guides/push_notifications):
// an entry with yt:videoId and yt:channelId for an upload or a title/description change, and an
// at:deleted-entry tombstone when a video is deleted.

export interface PublishedVideo {
	kind: 'published';
	topic: string;
	hubUrl: string;
	videoId: string;
	channelId: string;
	title: string;
	channelTitle: string;
	/** ISO times. */
	published: string;
	updated: string;
}

export interface DeletedVideo {
	kind: 'deleted';
	topic: string;
	hubUrl: string;
	videoId: string;
	channelId: string;
	channelTitle: string;
	/** ISO time of the deletion. */
	when: string;
}

function xml(text: string): string {
	return text
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;')
		.replace(/'/g, '&apos;');
}

/** YouTube writes offsets as +00:00, not Z. */
function atomTime(iso: string): string {
	return new Date(iso).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

export function youtubeNotification(video: PublishedVideo | DeletedVideo): string {
	const watch = `https://www.youtube.com/watch?v=${encodeURIComponent(video.videoId)}`;
	const channelUri = `https://www.youtube.com/channel/${encodeURIComponent(video.channelId)}`;
	if (video.kind === 'deleted') {
		return [
			"<?xml version='1.0' encoding='UTF-8'?>",
			'<feed xmlns:at="http://purl.org/atompub/tombstones/1.0" xmlns="http://www.w3.org/2005/Atom">',
			`  <at:deleted-entry ref="yt:video:${xml(video.videoId)}" when="${atomTime(video.when)}">`,
			`    <link href="${xml(watch)}"/>`,
			'    <at:by>',
			`      <name>${xml(video.channelTitle)}</name>`,
			`      <uri>${xml(channelUri)}</uri>`,
			'    </at:by>',
			'  </at:deleted-entry>',
			'</feed>',
			'',
		].join('\n');
	}
	return [
		"<?xml version='1.0' encoding='UTF-8'?>",
		'<feed xmlns:yt="http://www.youtube.com/xml/schemas/2015" xmlns="http://www.w3.org/2005/Atom">',
		`  <link rel="hub" href="${xml(video.hubUrl)}"/>`,
		`  <link rel="self" href="${xml(video.topic)}"/>`,
		'  <title>YouTube video feed</title>',
		`  <updated>${atomTime(video.updated)}</updated>`,
		'  <entry>',
		`    <id>yt:video:${xml(video.videoId)}</id>`,
		`    <yt:videoId>${xml(video.videoId)}</yt:videoId>`,
		`    <yt:channelId>${xml(video.channelId)}</yt:channelId>`,
		`    <title>${xml(video.title)}</title>`,
		`    <link rel="alternate" href="${xml(watch)}"/>`,
		'    <author>',
		`      <name>${xml(video.channelTitle)}</name>`,
		`      <uri>${xml(channelUri)}</uri>`,
		'    </author>',
		`    <published>${atomTime(video.published)}</published>`,
		`    <updated>${atomTime(video.updated)}</updated>`,
		'  </entry>',
		'</feed>',
		'',
	].join('\n');
}
