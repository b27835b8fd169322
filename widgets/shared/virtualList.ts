// A list of fixed-height rows that keeps only the rows in and near its viewport in the DOM, so the
// inbox stays smooth with tens of thousands of emails. Two empty spacers stand for the rows above
// and below what is rendered, which keeps the list's full scroll height. The row height is read
// from a rendered row (so a themed height works); the viewport from the list itself, again on
// resize. Scrolling re-renders at most once an animation frame, and only when the range changes.
import { html, type ReactiveController, type ReactiveControllerHost } from 'lit';

/** Rows rendered beyond each edge of the viewport, so a quick scroll does not show a gap. */
const OVERSCAN_ROWS = 4;

/** The row height assumed until a row has been measured (the inbox's default). */
const UNMEASURED_ROW_HEIGHT = 72;

const spacer = (height: number) => html`<div aria-hidden="true" style="height: ${height}px"></div>`;

export class VirtualListController implements ReactiveController {
	/** The rendered rows: from index `first` up to, not including, `end`. */
	first = 0;
	end = 0;

	#list?: HTMLElement;
	#rowHeight = UNMEASURED_ROW_HEIGHT;
	/** The row height the spacers were last rendered with. */
	#renderedRowHeight = 0;
	#viewportHeight = 0;
	#scrollTop = 0;
	#count = 0;
	#frame = 0;
	readonly #resizeObserver = new ResizeObserver(() => this.#measure());
	readonly #onScroll = () => {
		this.#frame ||= requestAnimationFrame(() => {
			this.#frame = 0;
			this.#measure();
		});
	};

	readonly #host: ReactiveControllerHost;
	readonly #findList: () => HTMLElement | null | undefined;

	/** `findList` gives the scrolling element whose only content is `rows()`, if it is rendered. */
	constructor(host: ReactiveControllerHost, findList: () => HTMLElement | null | undefined) {
		this.#host = host;
		this.#findList = findList;
		host.addController(this);
	}

	/**
	 * The content of the scrolling list: the rows from `first` to `end` between the two spacers.
	 * `renderRow` gets each item with its index in `items`.
	 */
	rows<T>(items: readonly T[], renderRow: (item: T, index: number) => unknown): unknown[] {
		this.#count = items.length;
		[this.first, this.end] = this.#range();
		this.#renderedRowHeight = this.#rowHeight;
		return [
			spacer(this.first * this.#rowHeight),
			items.slice(this.first, this.end).map((item, offset) => renderRow(item, this.first + offset)),
			spacer((items.length - this.end) * this.#rowHeight),
		];
	}

	/** Scrolls the least that brings row `index` fully into view (it renders on the next frame). */
	scrollToRow(index: number) {
		const list = this.#list;
		if (!list) return;
		const top = index * this.#rowHeight;
		const bottom = top + this.#rowHeight;
		if (top < list.scrollTop) list.scrollTop = top;
		else if (bottom > list.scrollTop + list.clientHeight)
			list.scrollTop = bottom - list.clientHeight;
	}

	hostConnected() {
		this.#attach();
	}

	hostUpdated() {
		this.#attach();
		this.#measure();
	}

	hostDisconnected() {
		this.#detach();
	}

	/** The rows to render for the scroll position: those in the viewport and the overscan. */
	#range(): [number, number] {
		// Before the list is laid out (or while it is hidden), the window bounds its height.
		const viewport = this.#viewportHeight || innerHeight;
		const first = Math.max(0, Math.floor(this.#scrollTop / this.#rowHeight) - OVERSCAN_ROWS);
		const end = Math.ceil((this.#scrollTop + viewport) / this.#rowHeight) + OVERSCAN_ROWS;
		return [Math.min(first, this.#count), Math.min(end, this.#count)];
	}

	/** Follows the list element the host rendered last (it comes and goes with the list's state). */
	#attach() {
		const list = this.#findList() ?? undefined;
		if (list === this.#list) return;
		this.#detach();
		this.#list = list;
		if (!list) return;
		list.addEventListener('scroll', this.#onScroll, { passive: true });
		this.#resizeObserver.observe(list);
	}

	#detach() {
		cancelAnimationFrame(this.#frame);
		this.#frame = 0;
		this.#list?.removeEventListener('scroll', this.#onScroll);
		this.#resizeObserver.disconnect();
		this.#list = undefined;
	}

	/** Reads the scroll position and sizes, and renders again if the rows to show changed. */
	#measure() {
		const list = this.#list;
		// A hidden list (the narrow layout's detail pane is open) has nothing to measure.
		if (!list?.clientHeight) return;
		this.#viewportHeight = list.clientHeight;
		this.#scrollTop = list.scrollTop;
		// The first row follows the leading spacer.
		const rowHeight = this.end > this.first ? list.children[1]?.getBoundingClientRect().height : 0;
		if (rowHeight) this.#rowHeight = rowHeight;
		const [first, end] = this.#range();
		if (first !== this.first || end !== this.end || this.#rowHeight !== this.#renderedRowHeight) {
			this.#host.requestUpdate();
		}
	}
}
