import { STAGES } from "../../../../schema";
import { formatShare } from "../../../format";
import type { needsAPerson } from "../../attention";
import type { disputeRatio, overview } from "../../queries";
import type { GlobalAction } from "../../registry";
import { NeedsAPerson } from "../attention";
import { DisputeTable } from "../dispute-table";
import { money } from "../format";
import { Layout, LIVE_REFRESH_SECONDS, StageBadge } from "../layout";

type Overview = Awaited<ReturnType<typeof overview>>;
type Ratio = Awaited<ReturnType<typeof disputeRatio>>;

export function OverviewPage(props: {
	csrf: string;
	data: Overview;
	ratio: Ratio;
	backfill: [string, GlobalAction];
	/** What needs a person, shown above every statistic. */
	attention: Awaited<ReturnType<typeof needsAPerson>>;
}) {
	const { data } = props;
	const decided = data.outcomes.won + data.outcomes.lost;
	return (
		<Layout
			title="Overview"
			csrf={props.csrf}
			active="overview"
			refresh={data.inFlight > 0 ? LIVE_REFRESH_SECONDS : undefined}
		>
			<h1>Overview</h1>
			<NeedsAPerson items={props.attention} />
			<div class="actions">
				<a class="button" href={`/dashboard/actions/${props.backfill[0]}`}>
					{props.backfill[1].label}…
				</a>
			</div>
			<section aria-labelledby="stages">
				<h2 id="stages">Disputes per stage</h2>
				<div class="cards">
					{STAGES.map((stage) => (
						<a class="card" href={`/dashboard/disputes?stage=${stage}`} style="text-decoration:none;color:inherit">
							<div class="n" data-stage={stage}>
								{data.stages[stage]?.count ?? 0}
							</div>
							<div class="l">
								<StageBadge stage={stage} />
							</div>
						</a>
					))}
				</div>
			</section>
			<section aria-labelledby="figures">
				<h2 id="figures">At a glance</h2>
				<div class="cards">
					<div class="card">
						<div class="n">
							{data.atStake.length ? data.atStake.map((r) => money(r.amount, r.currency)).join(" + ") : "—"}
						</div>
						<div class="l">at stake in open disputes</div>
					</div>
					<div class="card">
						<div class="n">{data.dueSoon.length}</div>
						<div class="l">deadlines within 48 hours</div>
					</div>
					<a class="card" href="/dashboard/failed" style="text-decoration:none;color:inherit">
						<div class="n" style={data.outcomes.failed ? "color:#b42318" : undefined}>
							{data.outcomes.failed}
						</div>
						<div class="l">failed (dead letters)</div>
					</a>
					<a class="card" href="/dashboard/disputes?stage=awaiting_review" style="text-decoration:none;color:inherit">
						<div class="n">{data.outcomes.awaitingReview}</div>
						<div class="l">awaiting review</div>
					</a>
					<a class="card" href="/dashboard/outcomes" style="text-decoration:none;color:inherit">
						<div class="n">{formatShare(data.outcomes.won, decided)}</div>
						<div class="l">
							win rate ({data.outcomes.won} won, {data.outcomes.lost} lost)
						</div>
					</a>
					<a class="card" href="/dashboard/outcomes" style="text-decoration:none;color:inherit">
						<div class="n">{props.ratio.ratio === null ? "—" : `${(props.ratio.ratio * 100).toFixed(2)} %`}</div>
						<div class="l">dispute ratio, last 30 days</div>
					</a>
				</div>
			</section>
			<section aria-labelledby="due">
				<h2 id="due">Deadlines within 48 hours</h2>
				<DisputeTable rows={data.dueSoon} empty="No open dispute is due within 48 hours." />
			</section>
		</Layout>
	);
}
