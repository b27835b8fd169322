import { css } from 'lit';

import { controlStyles, themeStyles } from '../shared/theme.styles';

export default [
	themeStyles,
	controlStyles,
	css`
		:host {
			max-width: 640px;
			border: 1px solid var(--_border);
			border-radius: var(--_radius);
			padding: calc(var(--_space) * 2);
		}
		h2,
		h3 {
			margin: 0;
			font-size: 1.15em;
			font-weight: 600;
		}
		h3 {
			font-size: 1em;
		}
		p {
			margin: 0;
		}
		.stack {
			display: grid;
			gap: calc(var(--_space) * 1.5);
		}
		[part='header'] {
			display: flex;
			align-items: center;
			justify-content: space-between;
			gap: var(--_space);
			flex-wrap: wrap;
		}
		[part='badge'] {
			display: inline-block;
			padding: 2px 10px;
			border-radius: 999px;
			font-size: 0.85em;
			font-weight: 600;
			border: 1px solid currentColor;
		}
		[part='badge'][data-status='connected'] {
			color: var(--_success);
		}
		[part='badge'][data-status='syncing'] {
			color: var(--_accent);
		}
		[part='badge'][data-status='throttled'],
		[part='badge'][data-status='requires_reauth'],
		[part='badge'][data-status='failed'] {
			color: var(--_warning);
		}
		[part='badge'][data-status='disconnected'],
		[part='badge'][data-status='none'] {
			color: var(--_muted);
		}
		[part='notice'] {
			display: flex;
			gap: var(--_space);
			align-items: center;
			justify-content: space-between;
			flex-wrap: wrap;
			padding: var(--_space) calc(var(--_space) * 1.5);
			border-radius: var(--_radius);
			background: var(--_warning-bg);
			color: var(--_text);
			border: 1px solid var(--_warning);
		}
		[part='progress'] {
			display: grid;
			gap: 4px;
		}
		[part='progress-track'] {
			height: 8px;
			border-radius: 999px;
			background: var(--_surface);
			border: 1px solid var(--_border);
			overflow: hidden;
		}
		[part='progress-bar'] {
			height: 100%;
			background: var(--_accent);
			transition: width 0.3s ease;
		}
		[part='progress-track'][data-indeterminate] [part='progress-bar'] {
			width: 30%;
			animation: slide 1.2s ease-in-out infinite;
		}
		@keyframes slide {
			from {
				margin-left: -30%;
			}
			to {
				margin-left: 100%;
			}
		}
		@media (prefers-reduced-motion: reduce) {
			[part='progress-bar'] {
				transition: none;
				animation: none !important;
			}
		}
		section {
			display: grid;
			gap: var(--_space);
			padding-top: calc(var(--_space) * 1.5);
			border-top: 1px solid var(--_border);
		}
		.row {
			display: flex;
			align-items: center;
			justify-content: space-between;
			gap: var(--_space);
		}
		.actions {
			display: flex;
			gap: var(--_space);
			flex-wrap: wrap;
		}
		[part='switch'] {
			position: relative;
			flex: none;
			width: 40px;
			height: 22px;
			padding: 0;
			border-radius: 999px;
			border: 1px solid var(--_border);
			background: var(--_surface);
			cursor: pointer;
		}
		[part='switch']::after {
			content: '';
			position: absolute;
			top: 2px;
			left: 2px;
			width: 16px;
			height: 16px;
			border-radius: 50%;
			background: var(--_muted);
			transition: transform 0.15s ease;
		}
		[part='switch'][aria-checked='true'] {
			background: var(--_accent);
			border-color: var(--_accent);
		}
		[part='switch'][aria-checked='true']::after {
			transform: translateX(18px);
			background: var(--_on-accent);
		}
		[part='switch']:disabled {
			opacity: 0.55;
			cursor: not-allowed;
		}
		fieldset {
			margin: 0;
			padding: 0;
			border: 0;
			display: grid;
			gap: 4px;
		}
		[part='labels'],
		[part='calendars'] {
			grid-template-columns: repeat(auto-fill, minmax(180px, 1fr));
			column-gap: calc(var(--_space) * 2);
		}
		legend {
			padding: 0;
			margin-bottom: 4px;
			font-weight: 600;
		}
		label.check {
			display: flex;
			align-items: center;
			gap: 8px;
		}
		[part='benefits'] {
			margin: 0;
			padding-left: 1.2em;
			display: grid;
			gap: 4px;
		}
		[part='providers'] {
			display: grid;
			gap: var(--_space);
		}
		[part='enrich-results'] {
			list-style: none;
			margin: 0;
			padding: 0;
			max-height: 180px;
			overflow: auto;
			border: 1px solid var(--_border);
			border-radius: var(--_radius);
		}
		[part='enrich-results'] li + li {
			border-top: 1px solid var(--_border);
		}
		[part='enrich-results'] label {
			display: flex;
			gap: 8px;
			padding: 6px 8px;
			cursor: pointer;
		}
		dialog {
			max-width: min(420px, 90vw);
			border: 1px solid var(--_border);
			border-radius: var(--_radius);
			background: var(--_bg);
			color: var(--_text);
			box-shadow: var(--_shadow);
			padding: calc(var(--_space) * 2);
		}
		dialog::backdrop {
			background: rgb(0 0 0 / 40%);
		}
		dialog .actions {
			justify-content: flex-end;
			margin-top: calc(var(--_space) * 2);
		}
	`,
];
