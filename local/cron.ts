/**
 * A minimal cron runner for local runs (Miniflare does not fire cron triggers by itself): standard five-field
 * expressions with `*`, lists, ranges and steps, evaluated in UTC like Cloudflare does.
 */
const FIELD_RANGES: [number, number][] = [
	[0, 59], // minute
	[0, 23], // hour
	[1, 31], // day of month
	[1, 12], // month
	[0, 6], // day of week (7 is also Sunday)
];

export function parseCron(expression: string): Set<number>[] {
	const fields = expression.trim().split(/\s+/);
	if (fields.length !== 5) throw new Error(`cron "${expression}" must have five fields`);
	return fields.map((field, i) => {
		const [min, max] = FIELD_RANGES[i]!;
		const values = new Set<number>();
		for (const part of field.split(",")) {
			const [range, stepText] = part.split("/");
			const step = stepText ? Number(stepText) : 1;
			let [lo, hi] = range === "*" ? [min, max] : range!.split("-").map(Number);
			if (hi === undefined) hi = stepText ? max : lo;
			if (!Number.isInteger(lo) || !Number.isInteger(hi) || !Number.isInteger(step) || step < 1) {
				throw new Error(`cron "${expression}": cannot read "${part}"`);
			}
			for (let v = lo!; v <= hi!; v += step) values.add(i === 4 && v === 7 ? 0 : v);
		}
		return values;
	});
}

export function cronMatches(fields: Set<number>[], date: Date): boolean {
	const [minute, hour, dom, month, dow] = fields as [Set<number>, Set<number>, Set<number>, Set<number>, Set<number>];
	return (
		minute.has(date.getUTCMinutes()) &&
		hour.has(date.getUTCHours()) &&
		dom.has(date.getUTCDate()) &&
		month.has(date.getUTCMonth() + 1) &&
		dow.has(date.getUTCDay())
	);
}

/** Calls `fire(cron)` at each matching minute; returns a stop function. */
export function scheduleCrons(crons: string[], fire: (cron: string) => void): () => void {
	const parsed = crons.map((cron) => ({ cron, fields: parseCron(cron) }));
	let timer: NodeJS.Timeout | undefined;
	const tick = () => {
		const now = new Date();
		for (const { cron, fields } of parsed) if (cronMatches(fields, now)) fire(cron);
		timer = setTimeout(tick, 60_000 - (Date.now() % 60_000) + 50);
		timer.unref();
	};
	if (parsed.length > 0) {
		timer = setTimeout(tick, 60_000 - (Date.now() % 60_000) + 50);
		timer.unref();
	}
	return () => clearTimeout(timer);
}
