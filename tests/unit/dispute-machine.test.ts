import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MoveDeps, move, noticesOwed } from "../../lib/dispute/move";
import type { Notices, NotifyKind } from "../../lib/dispute/notices";
import { reason } from "../../lib/dispute/reasons";
import { type DisputeRow, getDispute } from "../../lib/dispute/store";
import {
	canLeave,
	destinationsOf,
	FINAL_STAGES,
	IN_FLIGHT_STAGES,
	NOTICE_STAGES,
	OPEN_STAGES,
	sourcesOf,
	stagesAdvancedBy,
	TRANSITION_NAMES,
	type TransitionName,
	UNSUBMITTED_STAGES,
} from "../../lib/dispute/transitions";
import { STAGES, type Stage } from "../../schema";
import { openTestDatabase, type TestDatabase } from "../support/database";

// The dispute's stage machine (lib/dispute/): the transition table, the stage sets derived from it, and move(),
// which refuses every move the table does not allow and lets exactly one of two concurrent moves win.

const ALL_BUT = (...stages: Stage[]) => STAGES.filter((s) => !stages.includes(s));

describe("the transition table", () => {
	const expected: Record<TransitionName, { from: Stage[] | Record<string, Stage[]>; to: Stage[] }> = {
		assemble: { from: ["received", "assembling"], to: ["assembling"] },
		stage: { from: ["assembling"], to: ["staged"] },
		await_review: { from: ["staged"], to: ["awaiting_review"] },
		claim_submit: { from: ["staged", "submitting"], to: ["submitting"] },
		claim_approved: { from: ["awaiting_review", "submitting"], to: ["submitting"] },
		mark_submitted: { from: ["submitting"], to: ["submitted"] },
		close: { from: { won: ALL_BUT("won"), lost: ALL_BUT("lost") }, to: ["won", "lost"] },
		skip: { from: ["received", "assembling", "staged", "awaiting_review", "failed"], to: ["skipped"] },
		withdraw: { from: ["staged", "awaiting_review", "submitting", "failed"], to: ["skipped"] },
		accept: { from: ["staged", "awaiting_review", "failed"], to: ["skipped"] },
		fail: {
			from: ["received", "assembling", "staged", "awaiting_review", "submitting", "failed", "appealing"],
			to: ["failed"],
		},
		retry: { from: ["failed"], to: ["staged", "received"] },
		appeal: { from: ALL_BUT("appeal_submitted"), to: ["appealing"] },
		submit_appeal: { from: ALL_BUT("appeal_submitted"), to: ["appeal_submitted"] },
		retry_unsent: { from: ["staged", "received"], to: ["failed"] },
	};

	it.each(TRANSITION_NAMES)("%s leaves and reaches exactly its stages", (name) => {
		const { from, to } = expected[name];
		expect(destinationsOf(name)).toEqual(to);
		if (Array.isArray(from)) {
			for (const destination of to) expect(sourcesOf(name, destination)).toEqual(from);
		} else {
			for (const [destination, sources] of Object.entries(from)) {
				expect(sourcesOf(name, destination as Stage)).toEqual(sources);
			}
		}
		for (const stage of STAGES) {
			const allowed = Array.isArray(from) ? from.includes(stage) : Object.values(from).some((s) => s.includes(stage));
			expect(canLeave(name, stage), `${name} from ${stage}`).toBe(allowed);
		}
	});

	it("lists every transition it has and no other", () => {
		expect([...TRANSITION_NAMES].sort()).toEqual(Object.keys(expected).sort());
	});

	it("derives each set of stages once, as the code asked for them before", () => {
		expect(UNSUBMITTED_STAGES).toEqual(["received", "assembling", "staged", "awaiting_review", "failed"]);
		expect(OPEN_STAGES).toEqual([
			"received",
			"assembling",
			"staged",
			"awaiting_review",
			"submitting",
			"failed",
			"appealing",
		]);
		expect(FINAL_STAGES).toEqual(["submitted", "won", "lost", "skipped", "appeal_submitted"]);
		expect(stagesAdvancedBy("assemble")).toEqual(["received", "assembling"]);
		expect(stagesAdvancedBy("submit")).toEqual(["staged", "submitting"]);
		expect(IN_FLIGHT_STAGES).toEqual(["received", "assembling", "staged", "submitting"]);
		expect(NOTICE_STAGES).toEqual(["submitted", "won", "lost", "skipped", "failed"]);
	});

	it("lets a final stage be left only by Stripe's decision, or by the appeal Stripe offers after it", () => {
		for (const stage of FINAL_STAGES) {
			const leaving = TRANSITION_NAMES.filter((name) => canLeave(name, stage));
			expect(leaving, stage).toEqual(stage === "appeal_submitted" ? ["close"] : ["close", "appeal", "submit_appeal"]);
		}
	});

	it("reaches every stage but the first from somewhere", () => {
		const reached = new Set(TRANSITION_NAMES.flatMap((name) => destinationsOf(name)));
		expect(STAGES.filter((s) => !reached.has(s))).toEqual([]);
	});
});

describe("stage reasons", () => {
	it("keep a code for programs and words for people", () => {
		expect(reason("past_due", new Date("2026-01-02T03:04:05Z"))).toEqual({
			code: "past_due",
			message: "no response window: due_by 2026-01-02T03:04:05.000Z has passed",
		});
		expect(reason("operator_skip", "dashboard", "refunded by hand")).toEqual({
			code: "operator_skip",
			message: "skipped by dashboard: refunded by hand",
		});
	});
});

describe("move()", () => {
	let database: TestDatabase;
	let sent: { kind: NotifyKind; id: string; stage: Stage }[];
	let deps: MoveDeps;
	const notices: Notices = {
		send: async (kind, row) => {
			sent.push({ kind, id: row.id, stage: row.stage });
			return true;
		},
		sendText: async () => false,
	};

	beforeAll(async () => {
		database = await openTestDatabase();
		deps = { db: database.db, notices };
	});
	afterAll(async () => database?.close());

	let counter = 0;
	async function dispute(stage: Stage, status = "needs_response"): Promise<string> {
		const id = `du_machine${++counter}`;
		await database.exec(
			"insert into rebuttal.disputes (id, amount, currency, reason, status, stage) values ($1, 100, 'usd', 'general', $2, $3)",
			[id, status, stage],
		);
		sent = [];
		return id;
	}
	const stageOf = async (id: string) => (await getDispute(database.db, id))?.stage;

	it("refuses every move from a stage its transition may not leave, and changes nothing", async () => {
		for (const name of TRANSITION_NAMES) {
			for (const stage of STAGES) {
				const destinations = destinationsOf(name).filter((to) => !sourcesOf(name, to).includes(stage));
				for (const to of destinations) {
					const id = await dispute(stage);
					const moved = await move(deps, id, name, { to } as never);
					expect(moved, `${name} from ${stage} to ${to}`).toBe(false);
					expect(await stageOf(id)).toBe(stage);
					expect(sent).toEqual([]);
				}
			}
		}
	});

	it("makes every allowed move, to the destination asked for", async () => {
		for (const name of TRANSITION_NAMES) {
			for (const to of destinationsOf(name)) {
				for (const stage of sourcesOf(name, to)) {
					const id = await dispute(stage);
					expect(await move(deps, id, name, { to } as never), `${name} from ${stage} to ${to}`).toBe(true);
					expect(await stageOf(id)).toBe(to);
				}
			}
		}
	});

	it("refuses a destination its transition does not have", async () => {
		const id = await dispute("failed");
		await expect(move(deps, id, "retry", { to: "won" as never })).rejects.toThrow(/retry does not lead to won/);
		expect(await stageOf(id)).toBe("failed");
	});

	it("is conditional: of concurrent moves exactly one wins and the others lose cleanly", async () => {
		const id = await dispute("assembling");
		const staged = await Promise.all(Array.from({ length: 6 }, () => move(deps, id, "stage", { reason: null })));
		expect(staged.filter(Boolean)).toHaveLength(1);
		expect(await stageOf(id)).toBe("staged");

		const raced = await dispute("staged");
		const [accepted, claimed] = await Promise.all([
			move(deps, raced, "accept", { reason: reason("accepted_weak", "too weak") }),
			move(deps, raced, "claim_submit", {}),
		]);
		expect([accepted, claimed].filter(Boolean)).toHaveLength(1);
		expect(await stageOf(raced)).toBe(accepted ? "skipped" : "submitting");
	});

	it("stores the reason's code and words, and clears them when asked", async () => {
		const id = await dispute("received");
		await move(deps, id, "skip", { reason: reason("smart_disputes_intended", "smart_disputes") });
		expect(await getDispute(database.db, id)).toMatchObject({
			stage: "skipped",
			stageReasonCode: "smart_disputes_intended",
			stageReason: expect.stringContaining("Stripe Smart Disputes is handling"),
		});
		const retried = await dispute("failed");
		await move(deps, retried, "retry", { to: "staged", reason: reason("retry_requested", "ops") });
		await move(deps, retried, "claim_submit", { reason: null });
		expect(await getDispute(database.db, retried)).toMatchObject({ stageReason: null, stageReasonCode: null });
	});

	it("sends the notices its transition and its reason name, once the move is made", async () => {
		const submitted = await dispute("submitting", "under_review");
		await move(deps, submitted, "mark_submitted", { submittedAt: new Date() });
		expect(sent).toEqual([{ kind: "submitted", id: submitted, stage: "submitted" }]);

		const won = await dispute("submitted", "won");
		await move(deps, won, "close", { to: "won", outcome: "won", closedAt: new Date() });
		expect(sent.map((n) => n.kind)).toEqual(["won"]);

		const handled = await dispute("received");
		await move(deps, handled, "skip", { reason: reason("smart_disputes_intended", "prefer_smart_disputes") });
		expect(sent.map((n) => n.kind)).toEqual(["stripe_handles"]);

		const late = await dispute("received");
		await move(deps, late, "skip", { reason: reason("no_due_by") });
		await move(deps, late, "skip", { reason: reason("no_due_by") });
		expect(sent).toEqual([]);
	});

	it("tells nothing of a placeholder row that Stripe never answered for", async () => {
		const id = await dispute("received", "unknown");
		expect(await move(deps, id, "fail", { failedStage: "assemble", lastError: "down" })).toBe(true);
		expect(sent).toEqual([]);
	});

	it("says which notices a row is owed, for the sweep to send what a step could not", () => {
		const row = (patch: Partial<DisputeRow>) =>
			({ status: "needs_response", stageReasonCode: null, ...patch }) as DisputeRow;
		expect(noticesOwed(row({ stage: "failed" }))).toEqual(["new_dispute", "failed"]);
		expect(noticesOwed(row({ stage: "won", status: "won" }))).toEqual(["won"]);
		expect(
			noticesOwed(row({ stage: "skipped", stageReasonCode: "smart_disputes_submitted", status: "under_review" })),
		).toEqual(["stripe_handles"]);
		expect(noticesOwed(row({ stage: "failed", status: "unknown" }))).toEqual([]);
	});
});

describe("the ground layer", () => {
	const root = join(import.meta.dirname, "../..");
	const files = (dir: string): string[] =>
		readdirSync(join(root, dir)).flatMap((name) => {
			const path = join(dir, name);
			return statSync(join(root, path)).isDirectory() ? files(path) : /\.tsx?$/.test(name) ? [path] : [];
		});
	const importsOf = (file: string) =>
		[...readFileSync(join(root, file), "utf8").matchAll(/from "([^"]+)"/g)].map((m) => join(file, "..", m[1]!));

	it("stands under pipeline and lifecycle, which do not import each other", () => {
		for (const file of files("lib/dispute")) {
			expect(
				importsOf(file).filter((i) => /lib\/(pipeline|lifecycle|dashboard)\//.test(i)),
				file,
			).toEqual([]);
		}
		for (const file of files("lib/pipeline")) {
			expect(
				importsOf(file).filter((i) => i.startsWith("lib/lifecycle/")),
				file,
			).toEqual([]);
		}
		for (const file of files("lib/lifecycle")) {
			expect(
				importsOf(file).filter((i) => i.startsWith("lib/pipeline/")),
				file,
			).toEqual([]);
		}
	});

	it("changes a stage only through move()", () => {
		const callers = [...files("lib"), ...files("functions")].filter(
			(file) => !file.startsWith("lib/dispute/") && readFileSync(join(root, file), "utf8").includes("setStageIf"),
		);
		expect(callers).toEqual([]);
	});
});
