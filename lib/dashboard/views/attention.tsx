import type { needsAPerson } from "../attention";
import { disputeHref, money, relative, when } from "./format";

type Items = Awaited<ReturnType<typeof needsAPerson>>;

/** The top of the landing page: every dispute that needs a person, with its action, before any statistic. */
export function NeedsAPerson(props: { items: Items }) {
	return (
		<section aria-labelledby="attention" data-testid="attention">
			<h2 id="attention">Needs a person</h2>
			{props.items.length === 0 ? (
				<p class="muted">Nothing needs a person: no failure, nothing awaiting review, no deadline within 48 hours.</p>
			) : (
				<table>
					<thead>
						<tr>
							<th>Dispute</th>
							<th>Why</th>
							<th>Amount</th>
							<th>Due</th>
							<th>Action</th>
						</tr>
					</thead>
					<tbody>
						{props.items.map((item) => {
							const href = disputeHref(item.dispute.id);
							return (
								<tr data-kind={item.kind}>
									<td>
										<a href={href}>{item.dispute.id}</a>
									</td>
									<td>
										{item.why}
										{item.kind === "failed" && item.dispute.lastError ? (
											<span class="muted"> ({item.dispute.lastError.slice(0, 120)})</span>
										) : null}
									</td>
									<td>{money(item.dispute.amount, item.dispute.currency)}</td>
									<td class={item.urgent ? "error" : undefined}>
										{when(item.dispute.dueBy)} <span class="muted">{relative(item.dispute.dueBy)}</span>
									</td>
									<td>
										<a class="button" href={item.action ? `${href}/${item.action}` : href}>
											{item.label}…
										</a>
									</td>
								</tr>
							);
						})}
					</tbody>
				</table>
			)}
		</section>
	);
}
