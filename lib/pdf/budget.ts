/**
 * The page budget as a ladder of limits, from the fullest document to the leanest. The renderer lays the case
 * out at each rung in turn and keeps the first that fits; the cover states what a rung leaves out.
 */
import type { EvidenceCase } from "../evidence/types";
import { formatCount, plural } from "../format";

export interface Limits {
	summaryChars: number;
	paragraphChars: number;
	narrativeChars: number;
	paragraphs: number;
	/** Longest value in a key/value row (names, user agents, descriptions). */
	valueChars: number;
	kinds: number;
	/** 0 leaves the recent activity list out. */
	recent: number;
	/** 0 leaves the lists of most used IPs and devices out (the distinct counts stay). */
	topAccess: number;
	/** 0 leaves the list of supporting records out. */
	artifacts: number;
	bars: number;
	/** Image thumbnails of things the customer made; 0 leaves them out (the list of records stays). */
	thumbnails: number;
	/** Support messages quoted in the communications section (counts and dates stay). */
	messages: number;
}

/** From the fullest document to the leanest; the renderer walks down until the budget is met. */
export const LADDER: readonly Limits[] = [
	{
		summaryChars: 1500,
		paragraphChars: 3000,
		narrativeChars: 12000,
		paragraphs: 20,
		valueChars: 400,
		kinds: 25,
		recent: 30,
		topAccess: 10,
		artifacts: 15,
		bars: 78,
		thumbnails: 6,
		messages: 5,
	},
	{
		summaryChars: 1200,
		paragraphChars: 2000,
		narrativeChars: 8000,
		paragraphs: 14,
		valueChars: 300,
		kinds: 15,
		recent: 20,
		topAccess: 8,
		artifacts: 10,
		bars: 78,
		thumbnails: 6,
		messages: 5,
	},
	{
		summaryChars: 1000,
		paragraphChars: 1500,
		narrativeChars: 6000,
		paragraphs: 10,
		valueChars: 200,
		kinds: 10,
		recent: 12,
		topAccess: 5,
		artifacts: 5,
		bars: 60,
		thumbnails: 6,
		messages: 3,
	},
	// Lower-priority sections go first: the list of records, then the recent activity.
	{
		summaryChars: 1000,
		paragraphChars: 1500,
		narrativeChars: 6000,
		paragraphs: 10,
		valueChars: 200,
		kinds: 10,
		recent: 12,
		topAccess: 5,
		artifacts: 0,
		bars: 60,
		thumbnails: 6,
		messages: 3,
	},
	{
		summaryChars: 800,
		paragraphChars: 1200,
		narrativeChars: 4000,
		paragraphs: 8,
		valueChars: 160,
		kinds: 8,
		recent: 0,
		topAccess: 3,
		artifacts: 0,
		bars: 52,
		thumbnails: 3,
		messages: 2,
	},
	{
		summaryChars: 600,
		paragraphChars: 700,
		narrativeChars: 2000,
		paragraphs: 5,
		valueChars: 120,
		kinds: 5,
		recent: 0,
		topAccess: 0,
		artifacts: 0,
		bars: 52,
		thumbnails: 2,
		messages: 1,
	},
	{
		summaryChars: 300,
		paragraphChars: 300,
		narrativeChars: 600,
		paragraphs: 2,
		valueChars: 60,
		kinds: 3,
		recent: 0,
		topAccess: 0,
		artifacts: 0,
		bars: 26,
		thumbnails: 0,
		messages: 1,
	},
];

/** What the document leaves out at these limits, for the notice on the cover. */
export function omissions(c: EvidenceCase, limits: Limits, shownImages = 0): string[] {
	const out: string[] = [];
	if (limits.artifacts === 0 && c.artifacts.length > 0)
		out.push(`the list of things the customer made (${formatCount(c.artifacts.length)})`);
	if (limits.thumbnails === 0 && shownImages > 0) out.push("the image thumbnails");
	if (limits.recent === 0 && (c.usage?.recent.length ?? 0) > 0)
		out.push(`the recent activity list (${plural(c.usage?.recent.length ?? 0, "event")})`);
	if (limits.topAccess === 0 && ((c.usage?.topIps.length ?? 0) > 0 || (c.usage?.topDevices.length ?? 0) > 0))
		out.push("the lists of most used IP addresses and devices");
	return out;
}
