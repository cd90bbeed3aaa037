import { STAGES } from "../../../../schema";
import { type DisputeList, DisputeTable } from "../dispute-table";
import { Layout, LIVE_REFRESH_SECONDS } from "../layout";

export interface ListFilters {
	stage?: string;
	reason?: string;
	due?: string;
}

function query(filters: ListFilters & { cursor?: string }) {
	const params = new URLSearchParams();
	for (const [key, value] of Object.entries(filters)) if (value) params.set(key, value);
	const text = params.toString();
	return text ? `?${text}` : "";
}

export function ListPage(props: {
	csrf: string;
	list: DisputeList;
	filters: ListFilters;
	reasons: string[];
	live: boolean;
}) {
	const { filters } = props;
	return (
		<Layout
			title="Disputes"
			csrf={props.csrf}
			active="disputes"
			refresh={props.live ? LIVE_REFRESH_SECONDS : undefined}
		>
			<h1>Disputes</h1>
			<form class="filters" method="get" action="/dashboard/disputes" aria-label="Filter disputes">
				<label>
					Stage
					<select name="stage">
						<option value="">any</option>
						{STAGES.map((s) => (
							<option value={s} selected={filters.stage === s}>
								{s.replace(/_/g, " ")}
							</option>
						))}
					</select>
				</label>
				<label>
					Reason
					<select name="reason">
						<option value="">any</option>
						{props.reasons.map((r) => (
							<option value={r} selected={filters.reason === r}>
								{r}
							</option>
						))}
					</select>
				</label>
				<label>
					Deadline
					<select name="due">
						<option value="">any</option>
						<option value="48h" selected={filters.due === "48h"}>
							within 48 hours
						</option>
						<option value="7d" selected={filters.due === "7d"}>
							within 7 days
						</option>
						<option value="overdue" selected={filters.due === "overdue"}>
							overdue
						</option>
					</select>
				</label>
				<button type="submit">Filter</button>
				<a href="/dashboard/disputes">Clear</a>
			</form>
			<DisputeTable rows={props.list.disputes} empty="No dispute matches." />
			{props.list.nextCursor ? (
				<p class="pager">
					<a href={`/dashboard/disputes${query({ ...filters, cursor: props.list.nextCursor })}`}>Next page →</a>
				</p>
			) : null}
		</Layout>
	);
}
