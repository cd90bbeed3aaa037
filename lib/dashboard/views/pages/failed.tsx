import type { GlobalAction } from "../../registry";
import { type DisputeList, DisputeTable } from "../dispute-table";
import { Layout, LIVE_REFRESH_SECONDS } from "../layout";

export function FailedPage(props: {
	csrf: string;
	list: DisputeList;
	retryAll: [string, GlobalAction];
	flash?: string;
	live: boolean;
}) {
	return (
		<Layout
			title="Dead letters"
			csrf={props.csrf}
			active="failed"
			refresh={props.live ? LIVE_REFRESH_SECONDS : undefined}
		>
			<h1>Dead letters</h1>
			<p class="muted">
				Disputes whose stage kept failing, with the error that stopped them. Retrying re-enqueues the stage that failed.
			</p>
			{props.flash ? (
				<p class="flash" role="status">
					{props.flash}
				</p>
			) : null}
			{props.list.disputes.length ? (
				<div class="actions">
					<a class="button" href={`/dashboard/actions/${props.retryAll[0]}`}>
						{props.retryAll[1].label}…
					</a>
				</div>
			) : null}
			<DisputeTable rows={props.list.disputes} empty="No failed dispute." />
			{props.list.nextCursor ? (
				<p class="pager">
					<a href={`/dashboard/failed?cursor=${encodeURIComponent(props.list.nextCursor)}`}>Next page →</a>
				</p>
			) : null}
		</Layout>
	);
}
