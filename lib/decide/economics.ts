/**
 * Fight or accept, as a price: countering risks the countered fee F to win back the amount A, so fighting pays
 * when the win probability p exceeds the break-even F / (A + F), i.e. when p·A > (1 − p)·F. Pure: the numbers in,
 * the verdict and every number behind it out, so the decision can be recorded and shown as it was made.
 */

/** Fewer decided disputes than this of a reason, and the record says too little to price a fight. */
export const MIN_DECIDED = 10;

export interface WinRecord {
	wins: number;
	decided: number;
	/** What the record counts: `reason fraudulent, strength strong`, or `reason fraudulent`. */
	basis: string;
}

export interface EconomicInput {
	amount: number;
	currency: string;
	/** The countered fee in minor units, or null when the fee table has no entry. */
	fee: number | null;
	record: WinRecord | null;
	minDecided?: number;
}

export interface EconomicVerdict {
	verdict: "fight" | "accept" | "no_verdict";
	reason: string;
	amount: number;
	currency: string;
	fee: number | null;
	wins: number | null;
	decided: number | null;
	basis: string | null;
	/** wins / decided, when the record is long enough to use. */
	probability: number | null;
	/** F / (A + F). */
	breakEven: number | null;
	/** p·A − (1 − p)·F in minor units: what fighting is worth on average against accepting. */
	expectedGain: number | null;
}

export function economicVerdict(input: EconomicInput): EconomicVerdict {
	const min = input.minDecided ?? MIN_DECIDED;
	const base = {
		amount: input.amount,
		currency: input.currency,
		fee: input.fee,
		wins: input.record?.wins ?? null,
		decided: input.record?.decided ?? null,
		basis: input.record?.basis ?? null,
		probability: null,
		breakEven: null,
		expectedGain: null,
	};
	if (input.fee === null) {
		return {
			...base,
			verdict: "no_verdict",
			reason: `no countered fee is known for ${input.currency.toUpperCase()} in this account's country (FIGHT_FEES): fighting, without an economic verdict`,
		};
	}
	const breakEven = input.fee / (input.amount + input.fee);
	const record = input.record;
	if (!record || record.decided < min) {
		const seen = record ? `${record.wins}/${record.decided} won (${record.basis})` : "no decided disputes";
		return {
			...base,
			breakEven,
			verdict: "no_verdict",
			reason: `fewer than ${min} decided disputes to learn from (${seen}): fighting, without an economic verdict`,
		};
	}
	const probability = record.wins / record.decided;
	// Integer comparison (wins·A vs losses·F), so the verdict at exactly break-even does not hang on rounding.
	const gainTimesDecided = record.wins * input.amount - (record.decided - record.wins) * input.fee;
	const expectedGain = gainTimesDecided / record.decided;
	const numbers = `${record.wins}/${record.decided} won (${record.basis}); break-even ${input.fee}/(${input.amount}+${input.fee})`;
	if (gainTimesDecided > 0) {
		return { ...base, probability, breakEven, expectedGain, verdict: "fight", reason: `fighting pays: ${numbers}` };
	}
	return {
		...base,
		probability,
		breakEven,
		expectedGain,
		verdict: "accept",
		reason: `fighting does not pay: ${numbers}, so the expected recovery does not cover the countered fee`,
	};
}
