/** The shared vocabulary of the report's exhibit sections: rows that know their fact, the section contract. */
import type { ArtifactImage } from "../evidence/artifact-images";
import type { ActivityKinds } from "../evidence/kinds";
import type { SupportMessage } from "../evidence/support-messages";
import type { EvidenceCase, Fact, Narrative } from "../evidence/types";
import { formatCount } from "../format";
import type { Ce3Summary, ExhibitKey, LetterPoint } from "../narrative/letter";
import type { Limits } from "./budget";
import type { Exhibit, ExtraDocument } from "./exhibits";
import type { Writer } from "./layout";

/** A key/value row and, when it states a fact, the fact's id: a row whose fact the letter already gave is left out. */
export type Row = readonly [string, unknown, string?];

export function present<T>(value: T | null | undefined | ""): value is T {
	return value !== null && value !== undefined && value !== "";
}

export function moreLine(w: Writer, shown: number, total: number, noun: string, extra = ""): void {
	if (total > shown) w.note(`… and ${formatCount(total - shown)} more ${noun}${extra}.`);
}

export const IP_LIKE = /^[0-9A-Fa-f:.]{3,45}$/;

export interface WriteContext {
	maxPages: number;
	/** Thumbnails that may be shown, in order; an image op refers to one by its index here. */
	images?: readonly ArtifactImage[];
	/** Why an artifact's image is not shown, by artifact id. */
	imageNotes?: ReadonlyMap<string, string>;
	/** The latest support messages, newest first. */
	messages?: readonly SupportMessage[];
	/** Visa CE 3.0, when it qualified. */
	ce3?: Ce3Summary | null;
	/** Documents uploaded besides the report, listed as exhibits after its own sections. */
	documents?: readonly ExtraDocument[];
}

/** What a rendering put on page 1, for the dispute's record (the ids are never printed). */
export interface LetterRecord {
	points: LetterPoint[];
	exhibits: Exhibit[];
}

export interface SectionArgs {
	c: EvidenceCase;
	n: Narrative;
	limits: Limits;
	ctx: WriteContext;
	clip: (v: unknown) => string;
	/** Fact ids the letter stated: tables leave these rows out. */
	given: ReadonlySet<string>;
	kinds: ActivityKinds;
}

export interface Section {
	key: ExhibitKey;
	title: string;
	/** True when the section has something to print that the letter did not already say. */
	has(a: SectionArgs): boolean;
	/** Height to keep on one page with the heading (thumbnails). */
	keep?(w: Writer, a: SectionArgs): number;
	write(w: Writer, a: SectionArgs): void;
}

export const keep = (rows: readonly Row[], given: ReadonlySet<string>): Row[] =>
	rows.filter(([, , id]) => !id || !given.has(id));

export function factById(c: EvidenceCase, id: string): Fact | undefined {
	return c.facts.find((f) => f?.id === id);
}
