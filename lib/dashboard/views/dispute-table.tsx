import type { listDisputes } from "../queries";
import { disputeHref, money, relative, when } from "./format";
import { StageBadge } from "./layout";

export type DisputeList = Awaited<ReturnType<typeof listDisputes>>;
type DisputeListItem = DisputeList["disputes"][number];

/** The table of disputes the overview, the list and the dead letters share. */
export function DisputeTable({ rows, empty }: { rows: DisputeListItem[]; empty: string }) {
	if (rows.length === 0) return <p class="muted">{empty}</p>;
	return (
		<table>
			<thead>
				<tr>
					<th scope="col">Dispute</th>
					<th scope="col">Stage</th>
					<th scope="col">Reason</th>
					<th scope="col" class="num">
						Amount
					</th>
					<th scope="col">Due</th>
					<th scope="col">Last error</th>
				</tr>
			</thead>
			<tbody>
				{rows.map((d) => (
					<tr>
						<td>
							<a href={disputeHref(d.id)}>{d.id}</a>
						</td>
						<td>
							<StageBadge stage={d.stage} />
						</td>
						<td>{d.reason}</td>
						<td class="num">{money(d.amount, d.currency)}</td>
						<td>
							{when(d.dueBy)} <span class="muted">{relative(d.dueBy)}</span>
						</td>
						<td class="error">{d.lastError ? d.lastError.slice(0, 160) : ""}</td>
					</tr>
				))}
			</tbody>
		</table>
	);
}
