import { describe, expect, it } from "vitest";
import {
	formatAmount,
	formatCount,
	formatDate,
	formatDateTime,
	formatDueIn,
	formatMoney,
	formatShare,
	formatStamp,
	noun,
	plural,
	toMajorUnits,
} from "../../lib/format";

describe("money in every currency's minor unit", () => {
	describe.each([
		// amount in Stripe's minor units, currency, without the code, with the code
		[500000, "jpy", "¥500,000", "¥500,000 JPY"],
		[5000, "jpy", "¥5,000", "¥5,000 JPY"],
		[12000, "krw", "₩12,000", "₩12,000 KRW"],
		[150000, "ugx", "UGX 150,000", "UGX 150,000"],
		[1250, "kwd", "KWD 1.250", "KWD 1.250"],
		[14900, "usd", "$149.00", "$149.00 USD"],
		[125000, "eur", "€1,250.00", "€1,250.00 EUR"],
		[199, "isk", "ISK 1.99", "ISK 1.99"],
	])("%i %s", (amount, currency, plain, withCode) => {
		it("formats as the cardholder's statement shows it", () => {
			expect(formatAmount(amount, currency).replace(/\u00a0/g, " ")).toBe(plain);
			expect(formatMoney(amount, currency).replace(/\u00a0/g, " ")).toBe(withCode);
		});
	});

	it("converts to major units by the currency's digits", () => {
		expect(toMajorUnits(5000, "JPY")).toBe(5000);
		expect(toMajorUnits(1250, "kwd")).toBe(1.25);
		expect(toMajorUnits(1050, "usd")).toBe(10.5);
	});

	it("falls back to the code for a code Intl cannot format", () => {
		expect(formatAmount(1000, "zz")).toBe("10.00 ZZ");
		expect(formatMoney(Number.NaN, "usd")).toBe("— USD");
	});
});

describe("counts and plurals", () => {
	describe.each([
		[0, "login", undefined, "0 logins"],
		[1, "login", undefined, "1 login"],
		[3, "device", undefined, "3 devices"],
		[1, "IP address", "IP addresses", "1 IP address"],
		[2, "IP address", "IP addresses", "2 IP addresses"],
		[1282, "image generated", "images generated", "1,282 images generated"],
		[1500, "payment", undefined, "1,500 payments"],
	])("plural(%i, %s)", (count, one, many, expected) => {
		it(`reads "${expected}"`, () => {
			expect(plural(count, one, many)).toBe(expected);
			expect(plural(count, one, many)).not.toContain("(s)");
		});
	});

	it("picks the noun alone and formats counts with separators", () => {
		expect(noun(1, "payment")).toBe("payment");
		expect(noun(2, "payment")).toBe("payments");
		expect(formatCount(1234567)).toBe("1,234,567");
		expect(formatCount(Number.POSITIVE_INFINITY)).toBe("—");
	});
});

describe("dates", () => {
	it("formats in UTC, as sentences and as table stamps", () => {
		expect(formatDate("2026-03-12T14:05:59Z")).toBe("12 Mar 2026");
		expect(formatDateTime("2026-03-12T14:05:59Z")).toBe("12 Mar 2026, 14:05 UTC");
		expect(formatStamp("2026-03-12T14:05:59Z")).toBe("12 Mar 2026 14:05 UTC");
		expect(formatDate(null)).toBe("—");
		expect(formatDate("not a date")).toBe("not a date");
	});

	it("says how far a deadline is", () => {
		const now = new Date("2026-03-12T00:00:00Z");
		expect(formatDueIn(new Date("2026-03-12T05:00:00Z"), now)).toBe("in 5 h");
		expect(formatDueIn(new Date("2026-03-16T00:00:00Z"), now)).toBe("in 4 days");
		expect(formatDueIn(new Date("2026-03-11T21:00:00Z"), now)).toBe("overdue by 3 h");
	});
});

describe("shares of small and large samples", () => {
	describe.each([
		[3, 7, "3/7"],
		[2, 3, "2/3"],
		[0, 1, "0/1"],
		[29, 29, "29/29"],
		[18, 30, "60 %"],
		[120, 200, "60 %"],
		[0, 0, "—"],
	])("formatShare(%i, %i)", (part, whole, expected) => {
		it(`reads ${expected}`, () => {
			expect(formatShare(part, whole)).toBe(expected);
		});
	});
});
