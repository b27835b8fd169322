// YouTube's WebSub notification as its hub sends it (one entry), for the webhook tests.
export function youtubeAtom(video: { videoId: string; channelId: string; title: string }): string {
	return `<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:yt="http://www.youtube.com/xml/schemas/2015" xmlns="http://www.w3.org/2005/Atom">
 <link rel="hub" href="https://pubsubhubbub.appspot.com"/>
 <link rel="self" href="https://www.youtube.com/xml/feeds/videos.xml?channel_id=${video.channelId}"/>
 <title>YouTube video feed</title>
 <updated>2026-12-01T09:00:00.5+00:00</updated>
 <entry>
  <id>yt:video:${video.videoId}</id>
  <yt:videoId>${video.videoId}</yt:videoId>
  <yt:channelId>${video.channelId}</yt:channelId>
  <title>${video.title}</title>
  <link rel="alternate" href="https://www.youtube.com/watch?v=${video.videoId}"/>
  <author>
   <name>Channel &amp; Co</name>
   <uri>https://www.youtube.com/channel/${video.channelId}</uri>
  </author>
  <published>2026-12-01T08:59:00+00:00</published>
  <updated>2026-12-01T09:00:00.5+00:00</updated>
 </entry>
</feed>`;
}
