import { css } from 'lit';

export const styles = css`
	:host {
		--_row: var(--crm-inbox-row-height, 72px);
		display: flex;
		flex-direction: column;
		height: var(--crm-inbox-height, 600px);
		border: 1px solid var(--_border);
		border-radius: var(--_radius);
		overflow: hidden;
		container-type: inline-size;
	}
	[part~='toolbar'] {
		display: flex;
		flex-wrap: wrap;
		gap: 8px;
		align-items: center;
		padding: 8px;
		border-bottom: 1px solid var(--_border);
	}
	[part~='search'] {
		flex: 1 1 12em;
	}
	button {
		cursor: pointer;
		background: transparent;
		border: none;
	}
	[part~='status'] {
		color: var(--_muted);
	}
	.panes {
		flex: 1;
		min-height: 0;
		display: flex;
	}
	.list-pane {
		flex: 1 1 40%;
		min-width: 0;
		display: flex;
		flex-direction: column;
	}
	.detail-pane {
		flex: 1 1 60%;
		min-width: 0;
		border-left: 1px solid var(--_border);
		overflow: auto;
	}
	@container (max-width: 640px) {
		.panes.open .list-pane,
		.panes:not(.open) .detail-pane {
			display: none;
		}
	}
	[part~='list'] {
		flex: 1;
		min-height: 0;
		height: 100%;
		outline-offset: -2px;
		overflow: auto;
		/* The virtual list swaps rows as it scrolls: the browser must not shift the scroll for it. */
		overflow-anchor: none;
	}
	[part~='row'] {
		width: 100%;
		height: var(--_row);
		padding: 6px 12px 6px 24px;
		display: grid;
		grid-template-columns: 1fr auto;
		grid-auto-rows: 20px;
		align-content: center;
		column-gap: 8px;
		line-height: 20px;
		border-bottom: 1px solid var(--_border);
		cursor: pointer;
		overflow: hidden;
		position: relative;
	}
	[part~='row']:hover {
		background: var(--_hover);
	}
	[part~='row-selected'] {
		background: var(--_selected);
	}
	[part~='list']:focus-visible {
		box-shadow: none;
	}
	[part~='list']:focus-visible [part~='row-active'] {
		box-shadow: inset 0 0 0 2px var(--_accent);
	}
	[part~='unread-marker'] {
		position: absolute;
		left: 9px;
		top: 12px;
		width: 8px;
		height: 8px;
		border-radius: 50%;
	}
	[part~='row-unread'] [part~='unread-marker'] {
		background: var(--_accent);
	}
	[part~='row-unread'] [part~='sender'],
	[part~='row-unread'] [part~='subject'] {
		font-weight: 600;
	}
	[part~='sender'],
	[part~='subject'],
	[part~='snippet'] {
		white-space: nowrap;
		overflow: hidden;
		text-overflow: ellipsis;
	}
	[part~='subject'],
	[part~='snippet'] {
		grid-column: 1 / -1;
	}
	[part~='snippet'],
	[part~='date'],
	small,
	.muted,
	.prompt {
		color: var(--_muted);
	}
	[part~='loading'],
	[part~='empty'],
	[part~='error'] {
		padding: 16px;
	}
	[part~='error'] {
		color: var(--_danger);
	}
	.more {
		padding: 4px 12px;
	}
	[part~='detail'] {
		position: relative;
		padding: 12px 16px;
		outline: none;
	}
	[part~='detail-header'] h2 {
		margin: 0 32px 4px 0;
		font-size: 1.2em;
	}
	[part~='detail-header'] p {
		margin: 0 0 8px;
		color: var(--_muted);
	}
	.close {
		position: absolute;
		top: 8px;
		right: 8px;
		font-size: 1.3em;
		line-height: 1;
	}
	[part~='body'] {
		display: block;
		width: 100%;
		height: var(--crm-inbox-frame-height, 320px);
		border: 1px solid var(--_border);
		border-radius: var(--_radius);
		background: var(--_bg);
	}
	h3 {
		font-size: 1em;
		margin: 12px 0 4px;
	}
	ul {
		list-style: none;
		margin: 0;
		padding: 0;
	}
	[part~='thread'] button,
	[part~='link-option'] {
		width: 100%;
		text-align: left;
		padding: 4px 0;
	}
	.chips {
		display: flex;
		flex-wrap: wrap;
		gap: 6px;
	}
	[part~='link-chip'] {
		border: 1px solid var(--_border);
		border-radius: 999px;
		padding: 2px 4px 2px 10px;
	}
	[part~='unlink-button'] {
		padding: 0 6px;
	}
	label {
		display: block;
		margin: 8px 0 4px;
	}
	.row-actions label {
		display: inline;
	}
	[part~='link-search'],
	[part~='reply-text'] {
		width: 100%;
	}
	.row-actions {
		display: flex;
		justify-content: space-between;
		align-items: center;
		margin-top: 6px;
	}
`;
