/**
 * What each activity kind means to a reader (contract §4, `rebuttal.activity_kinds`): its label in singular and
 * plural ("image generated" / "images generated") and whether it shows the customer used what they paid for. A
 * login or a support message does not; things made and features used do. The merchant's table overrides the
 * defaults; a kind without any label is named in words ("12 events of kind report exported"), never quoted.
 */
import { formatCount } from "../format";

export interface ActivityKindLabel {
	kind: string;
	labelOne: string;
	labelMany: string;
	countsAsUse: boolean;
}

export const DEFAULT_ACTIVITY_KINDS: readonly ActivityKindLabel[] = [
	{ kind: "login", labelOne: "login", labelMany: "logins", countsAsUse: false },
	{ kind: "signup", labelOne: "signup", labelMany: "signups", countsAsUse: false },
	{ kind: "support_message", labelOne: "message to support", labelMany: "messages to support", countsAsUse: false },
	{ kind: "cancellation", labelOne: "cancellation", labelMany: "cancellations", countsAsUse: false },
];

/** Kinds that never count as use whatever they are called (logins, sessions, support, billing events). */
const NOT_USE =
	/(^|_)(login|logout|sign_?in|sign_?up|session|support|message|ticket|cancel|unsubscribe|refund|billing|payment|password)/;

export class ActivityKinds {
	private readonly byKind = new Map<string, ActivityKindLabel>();

	constructor(labels: readonly ActivityKindLabel[] = []) {
		for (const l of DEFAULT_ACTIVITY_KINDS) this.byKind.set(l.kind.toLowerCase(), l);
		for (const l of labels) {
			if (l?.kind && l.labelOne?.trim() && l.labelMany?.trim()) this.byKind.set(l.kind.toLowerCase(), l);
		}
	}

	/** The merchant's or the default label; null when the kind has none. */
	label(kind: string): ActivityKindLabel | null {
		return this.byKind.get(kind.toLowerCase()) ?? null;
	}

	/**
	 * The count with its label: `1,282 images generated`; a kind without a label: `1,282 events of kind
	 * report exported`, never a quoted internal name.
	 */
	phrase(kind: string, count: number): string {
		const l = this.label(kind);
		if (l) return `${formatCount(count)} ${count === 1 ? l.labelOne : l.labelMany}`;
		return `${formatCount(count)} ${count === 1 ? "event" : "events"} of kind ${readable(kind)}`;
	}

	/** The label in the plural, as written: `images generated`, or the kind's readable name. */
	many(kind: string): string {
		return this.label(kind)?.labelMany ?? readable(kind);
	}

	/** The label alone for a table cell: `Images generated`, or the kind's readable name. */
	title(kind: string): string {
		const text = this.many(kind);
		return text.charAt(0).toUpperCase() + text.slice(1);
	}

	/** Whether the kind shows use of the service: the merchant's word, else false for logins, support and the like. */
	countsAsUse(kind: string): boolean {
		const l = this.label(kind);
		if (l) return l.countsAsUse;
		return !NOT_USE.test(kind.toLowerCase().replace(/[^a-z0-9]+/g, "_"));
	}

	/** Kinds found in the data that have neither a merchant label nor a default, for `npm run doctor`. */
	unlabelled(kinds: readonly string[]): string[] {
		return [...new Set(kinds.filter((k) => k && !this.label(k)))].sort();
	}
}

function readable(kind: string): string {
	return kind.replace(/[_\s]+/g, " ").trim() || "unnamed";
}

/** Labels the merchant's table may hold at most; more than this is not a label table but a mistake. */
export const MAX_ACTIVITY_KIND_LABELS = 500;
