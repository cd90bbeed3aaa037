import { formatShare } from "../../../format";
import type { whatWins } from "../../../outcomes/learn";
import type { monitoringTrend } from "../../../outcomes/monitoring";
import type { disputeRatio, outcomeStats } from "../../queries";
import { BarChart, RatioGauge } from "../charts";
import { money } from "../format";
import { Layout } from "../layout";
import { WhatWinsSection } from "../learn";
import { MonitoringSection } from "../monitoring";

type Outcomes = Awaited<ReturnType<typeof outcomeStats>>;
type Ratio = Awaited<ReturnType<typeof disputeRatio>>;

export function OutcomesPage(props: {
	csrf: string;
	stats: Outcomes;
	ratio: Ratio;
	/** The card networks' monitoring programmes, month by month. */
	trend: Awaited<ReturnType<typeof monitoringTrend>>;
	/** What wins, from the merchant's own decided disputes. */
	wins: Awaited<ReturnType<typeof whatWins>>;
}) {
	const { stats, ratio } = props;
	// Charts of money use the currency with the most decided disputes; the tables list every currency.
	const main = [...stats.overall].sort((a, b) => b.won + b.lost - (a.won + a.lost))[0]?.currency ?? "usd";
	const months = stats.perMonth.filter((m) => m.currency === main);
	const byMonth = new Map<string, { won: number; lost: number; recovered: number }>();
	for (const m of stats.perMonth) {
		const entry = byMonth.get(m.month) ?? { won: 0, lost: 0, recovered: 0 };
		entry.won += m.won;
		entry.lost += m.lost;
		byMonth.set(m.month, entry);
	}
	const reasons = new Map<string, { won: number; lost: number }>();
	for (const r of stats.perReason) {
		const entry = reasons.get(r.reason) ?? { won: 0, lost: 0 };
		entry.won += r.won;
		entry.lost += r.lost;
		reasons.set(r.reason, entry);
	}
	const won = stats.overall.reduce((s, r) => s + r.won, 0);
	const lost = stats.overall.reduce((s, r) => s + r.lost, 0);
	const thresholdPct = (r: number) => `${(r * 100).toFixed(1)} %`;
	return (
		<Layout title="Outcomes" csrf={props.csrf} active="outcomes">
			<h1>Outcomes</h1>
			<div class="cards">
				<div class="card">
					<div class="n">{formatShare(won, won + lost)}</div>
					<div class="l">
						win rate ({won} won of {won + lost} decided)
					</div>
				</div>
				{stats.overall.map((r) => (
					<div class="card">
						<div class="n">{money(r.recovered, r.currency)}</div>
						<div class="l">recovered of {money(r.decided, r.currency)} decided</div>
					</div>
				))}
				<div class="card">
					<div class="n">{ratio.ratio === null ? "—" : `${(ratio.ratio * 100).toFixed(2)} %`}</div>
					<div class="l">dispute ratio, last {ratio.days} days</div>
				</div>
			</div>

			<section aria-labelledby="ratio">
				<h2 id="ratio">Dispute ratio, last {ratio.days} days</h2>
				<p>
					{ratio.disputes} disputes created / {ratio.charges} successful charges recorded
					{ratio.ratio === null ? "" : ` = ${(ratio.ratio * 100).toFixed(2)} %`}.
				</p>
				<RatioGauge ratio={ratio.ratio} markers={ratio.thresholds} />
				<p class="muted">
					Thresholds: {ratio.thresholds.map((t) => `${t.label} at ${thresholdPct(t.ratio)}`).join("; ")}. The networks
					count disputes against the month's sales transactions; this is an early indication from the charges rebuttal
					has seen through <code>charge.succeeded</code> events
					{ratio.charges === 0 ? " (none recorded yet: add charge.succeeded to the webhook endpoint's events)" : ""}.
				</p>
			</section>
			<MonitoringSection trend={props.trend} />
			<WhatWinsSection wins={props.wins} />

			<div class="grid2">
				<section aria-labelledby="rate-month">
					<h2 id="rate-month">Win rate per month</h2>
					<BarChart
						id="rate-month-chart"
						title="Win rate per month"
						max={1}
						bars={[...byMonth].map(([month, m]) => ({
							label: month,
							value: m.won + m.lost ? m.won / (m.won + m.lost) : 0,
							display: formatShare(m.won, m.won + m.lost),
						}))}
						empty="No dispute decided yet."
					/>
				</section>
				<section aria-labelledby="recovered-month">
					<h2 id="recovered-month">Recovered per month ({main.toUpperCase()})</h2>
					<BarChart
						id="recovered-month-chart"
						title={`Amount recovered per month in ${main.toUpperCase()}`}
						color="#17803d"
						bars={months.map((m) => ({ label: m.month, value: m.recovered, display: money(m.recovered, main) }))}
						empty="Nothing recovered yet."
					/>
				</section>
			</div>

			<section aria-labelledby="per-reason">
				<h2 id="per-reason">Per reason</h2>
				<BarChart
					id="reason-chart"
					title="Win rate per reason"
					max={1}
					color="#6b4fbb"
					bars={[...reasons].map(([reason, r]) => ({
						label: reason.replace(/_/g, " "),
						value: r.won / Math.max(1, r.won + r.lost),
						display: formatShare(r.won, r.won + r.lost),
					}))}
					empty="No dispute decided yet."
				/>
				{stats.perReason.length ? (
					<table style="margin-top:.75rem">
						<thead>
							<tr>
								<th scope="col">Reason</th>
								<th scope="col" class="num">
									Won
								</th>
								<th scope="col" class="num">
									Lost
								</th>
								<th scope="col" class="num">
									Win rate
								</th>
								<th scope="col" class="num">
									Recovered
								</th>
							</tr>
						</thead>
						<tbody>
							{stats.perReason.map((r) => (
								<tr>
									<td>{r.reason}</td>
									<td class="num">{r.won}</td>
									<td class="num">{r.lost}</td>
									<td class="num">{formatShare(r.won, r.won + r.lost)}</td>
									<td class="num">{money(r.recovered, r.currency)}</td>
								</tr>
							))}
						</tbody>
					</table>
				) : null}
			</section>
		</Layout>
	);
}
