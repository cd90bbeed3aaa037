import type { monitoringTrend, ProgrammeStatus } from "../../outcomes/monitoring";

type Trend = Awaited<ReturnType<typeof monitoringTrend>>;

const STATUS: Record<ProgrammeStatus["status"], string> = {
	over: "over the threshold",
	approaching: "approaching",
	clear: "clear",
	unknown: "no sales recorded",
};

const pct = (r: number | null) => (r === null ? "—" : `${(r * 100).toFixed(2)} %`);

/** The monitoring programmes month by month, as the networks count them (lib/outcomes/monitoring.ts). */
export function MonitoringSection(props: { trend: Trend }) {
	const ids = props.trend.at(-1)?.programmes ?? [];
	return (
		<section aria-labelledby="monitoring" data-testid="monitoring">
			<h2 id="monitoring">Card network monitoring, month by month</h2>
			<table>
				<thead>
					<tr>
						<th>Month</th>
						<th>Disputes</th>
						<th>Fraud warnings</th>
						<th>Sales</th>
						{ids.map((s) => (
							<th>
								{s.programme.label} ({(s.programme.ratio * 100).toFixed(1)} %, {s.programme.minCount}+)
							</th>
						))}
					</tr>
				</thead>
				<tbody>
					{props.trend.map((m) => (
						<tr>
							<td>{m.month}</td>
							<td>{m.disputes}</td>
							<td>{m.fraudWarnings}</td>
							<td>{m.charges}</td>
							{ids.map((col) => {
								const s = m.programmes.find((p) => p.programme.id === col.programme.id);
								return s ? (
									<td class={s.status === "over" ? "error" : s.status === "approaching" ? "notice" : undefined}>
										{s.count}/{s.denominator} = {pct(s.ratio)} · {STATUS[s.status]}
									</td>
								) : (
									<td>—</td>
								);
							})}
						</tr>
					))}
				</tbody>
			</table>
			<p class="muted">
				Visa VAMP counts early fraud warnings (the proxy for fraud reports) plus disputes over the month's sales, and
				applies only from 1,500 counts a month; Mastercard counts disputes over the previous month's sales (ECM from
				100, HECM from 300). Sales are the charges recorded from <code>charge.succeeded</code>, all card networks
				together, so each network's own ratio is at most this. A notification goes out when a programme is within 80 %
				of both its count and its ratio, and again when it is crossed.
			</p>
		</section>
	);
}
