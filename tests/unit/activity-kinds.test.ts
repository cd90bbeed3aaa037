import { describe, expect, it } from "vitest";
import { buildFacts } from "../../lib/evidence/facts";
import { ActivityKinds } from "../../lib/evidence/kinds";
import { activityKindsResult } from "../../local/doctor/checks/activity-kinds";
import { casePartsFor } from "../support/case-fixtures";

const GENERATION = {
	kind: "generation",
	labelOne: "image generated",
	labelMany: "images generated",
	countsAsUse: true,
};

describe("activity kind labels", () => {
	it("word a count with the merchant's label, singular or plural, and a kind without one in words", () => {
		const kinds = new ActivityKinds([GENERATION]);
		expect(kinds.phrase("generation", 1282)).toBe("1,282 images generated");
		expect(kinds.phrase("generation", 1)).toBe("1 image generated");
		expect(kinds.phrase("support_message", 2)).toBe("2 messages to support");
		expect(kinds.phrase("login", 1)).toBe("1 login");
		expect(kinds.phrase("report_exported", 3)).toBe("3 events of kind report exported");
		expect(kinds.title("generation")).toBe("Images generated");
	});

	it("count logins, support messages and cancellations as no use of the service, by default and by name", () => {
		const kinds = new ActivityKinds([{ ...GENERATION, kind: "login", countsAsUse: true }]);
		expect(kinds.countsAsUse("login")).toBe(true); // the merchant's word wins
		const defaults = new ActivityKinds();
		for (const k of ["login", "signup", "support_message", "cancellation", "dashboard_login", "password_reset"]) {
			expect(defaults.countsAsUse(k), k).toBe(false);
		}
		for (const k of ["generation", "api_request", "export"]) expect(defaults.countsAsUse(k), k).toBe(true);
	});

	it("drive the derived facts: use after the charge leaves logins out", () => {
		const parts = casePartsFor("fraudulent");
		const facts = new Map(buildFacts(parts).map((f) => [f.id, f]));
		const useKinds = parts.usage!.byKind.filter((k) => !/login/.test(k.kind));
		expect(facts.get("use.after_charge")?.value).toBe(useKinds.reduce((s, k) => s + k.afterCharge, 0));
		expect(facts.get("usage.after_charge")?.value).toBe(parts.usage!.afterCharge);
		expect(facts.get("use.hours_before_dispute")?.display).toBe("40 hours");
		expect(facts.get("prior.months_to_charge")?.display).toBe("4 months");
	});

	it("npm run doctor lists the kinds found in the data that have no label", () => {
		const result = activityKindsResult(["generation", "login", "report_exported", "zip_export"], [GENERATION]);
		expect(result.status).toBe("warn");
		expect(result.message).toContain("2 activity kinds have no label");
		expect(result.message).toContain("report_exported, zip_export");
		expect(result.fix).toContain("insert into rebuttal.activity_kinds");
		expect(activityKindsResult(["generation", "login"], [GENERATION]).status).toBe("pass");
		expect(activityKindsResult([], []).message).toContain("no activity kinds");
	});
});
