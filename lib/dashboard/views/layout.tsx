import type { Child } from "hono/jsx";

const CSS = `
:root{--fg:#1d2433;--muted:#5b6473;--line:#d9dde5;--bg:#f6f7f9;--card:#fff;--accent:#2453c6;--ok:#17803d;--bad:#b42318;--warn:#a15c00}
*{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
a{color:var(--accent)}a:focus,button:focus,input:focus,select:focus,textarea:focus{outline:3px solid #9db4f0;outline-offset:1px}
header{background:#1d2433;color:#fff}header nav{display:flex;gap:1rem;align-items:center;max-width:1200px;margin:auto;padding:.6rem 1rem;flex-wrap:wrap}
header a{color:#fff;text-decoration:none;padding:.2rem .4rem;border-radius:4px}header a[aria-current=page]{background:#3a4560}
header .brand{font-weight:700;margin-right:1rem}header form:first-of-type{margin-left:auto}
main{max-width:1200px;margin:auto;padding:1rem}h1{font-size:1.5rem;margin:.5rem 0 1rem}h2{font-size:1.15rem;margin:1.5rem 0 .6rem}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:.75rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:.75rem 1rem}
.card .n{font-size:1.6rem;font-weight:700}.card .l{color:var(--muted);font-size:.85rem}
table{width:100%;border-collapse:collapse;background:var(--card);border:1px solid var(--line);border-radius:8px}
th,td{text-align:left;padding:.45rem .6rem;border-bottom:1px solid var(--line);vertical-align:top}th{font-size:.8rem;color:var(--muted);text-transform:uppercase;letter-spacing:.03em}
.num{text-align:right;font-variant-numeric:tabular-nums}
.badge{display:inline-block;padding:.05rem .5rem;border-radius:999px;font-size:.8rem;background:#e8ebf1;white-space:nowrap}
.badge.failed,.badge.lost{background:#fde4e1;color:var(--bad)}.badge.won,.badge.submitted{background:#dff3e6;color:var(--ok)}
.badge.awaiting_review{background:#fff1d6;color:var(--warn)}.badge.skipped{background:#eceff3;color:var(--muted)}
.error{color:var(--bad);white-space:pre-wrap;word-break:break-word}.muted{color:var(--muted)}
.notice{background:#fff8e6;border:1px solid #f0d9a0;padding:.6rem .8rem;border-radius:6px}.flash{background:#e8f1ff;border:1px solid #b7ccf5;padding:.6rem .8rem;border-radius:6px}
button,.button{font:inherit;padding:.4rem .9rem;border-radius:6px;border:1px solid var(--accent);background:var(--accent);color:#fff;cursor:pointer;text-decoration:none;display:inline-block}
button.secondary,.button.secondary{background:#fff;color:var(--accent)}button.danger,.button.danger{background:var(--bad);border-color:var(--bad)}
header button{background:transparent;border-color:#8d97ab;padding:.2rem .6rem}
form.inline{display:inline}.actions{display:flex;gap:.5rem;flex-wrap:wrap;margin:.5rem 0}
.filters{display:flex;gap:.75rem;align-items:end;flex-wrap:wrap;margin-bottom:1rem}.filters label{display:flex;flex-direction:column;font-size:.85rem;color:var(--muted)}
select,input,textarea{font:inherit;padding:.35rem;border:1px solid #b9c0cc;border-radius:6px;background:#fff}
dl.kv{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem;background:var(--card);border:1px solid var(--line);border-radius:8px;padding:.75rem 1rem}
dl.kv dt{color:var(--muted)}dl.kv dd{margin:0;white-space:pre-wrap;word-break:break-word}
.timeline{list-style:none;padding:0;margin:0;border-left:3px solid var(--line)}.timeline li{padding:.3rem 0 .6rem 1rem;position:relative}
.timeline li::before{content:"";position:absolute;left:-7px;top:.65rem;width:11px;height:11px;border-radius:50%;background:var(--muted)}
.timeline li div{overflow-wrap:anywhere}.timeline li.failed::before{background:var(--bad)}.timeline li.ok::before{background:var(--ok)}
.case{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:.75rem 1rem;white-space:pre-wrap}
iframe.pdf{width:100%;height:720px;border:1px solid var(--line);border-radius:8px;background:#fff}
.grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:1rem}
svg text{font:12px system-ui,sans-serif;fill:var(--fg)}
.login{max-width:380px;margin:10vh auto;background:var(--card);border:1px solid var(--line);border-radius:10px;padding:1.5rem}
.login label{display:block;margin:.8rem 0 .3rem}.login input{width:100%}
.pager{margin-top:.75rem}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
`;

/** Refresh interval (seconds) while disputes are in flight. */
export const LIVE_REFRESH_SECONDS = 3;

export type NavItem = "overview" | "disputes" | "failed" | "outcomes" | "warnings";

const NAV: [NavItem, string, string][] = [
	["overview", "/dashboard", "Overview"],
	["disputes", "/dashboard/disputes", "Disputes"],
	["failed", "/dashboard/failed", "Dead letters"],
	["outcomes", "/dashboard/outcomes", "Outcomes"],
	["warnings", "/dashboard/warnings", "Fraud warnings"],
];

export interface LayoutProps {
	title: string;
	csrf?: string;
	active?: NavItem;
	/** Seconds between automatic reloads while work is in flight; omitted: the page stays still. */
	refresh?: number;
	children?: Child;
}

export function Layout({ title, csrf, active, refresh, children }: LayoutProps) {
	return (
		<html lang="en">
			<head>
				<meta charset="utf-8" />
				<meta name="viewport" content="width=device-width, initial-scale=1" />
				<meta name="referrer" content="no-referrer" />
				{refresh ? <meta http-equiv="refresh" content={String(refresh)} /> : null}
				<title>{`${title} · rebuttal`}</title>
				<style dangerouslySetInnerHTML={{ __html: CSS }} />
			</head>
			<body>
				{csrf ? (
					<header>
						<nav aria-label="Dashboard">
							<span class="brand">rebuttal</span>
							{NAV.map(([id, href, label]) => (
								<a href={href} aria-current={active === id ? "page" : undefined}>
									{label}
								</a>
							))}
							<form method="post" action="/dashboard/logout">
								<input type="hidden" name="_csrf" value={csrf} />
								<button type="submit">Log out</button>
							</form>
							<form method="post" action="/dashboard/logout-everywhere">
								<input type="hidden" name="_csrf" value={csrf} />
								<button type="submit" title="Ends every dashboard session, on every device">
									Log out everywhere
								</button>
							</form>
						</nav>
					</header>
				) : null}
				<main id="main">
					{refresh ? (
						<p class="muted" role="status">
							Work is in flight: this page refreshes itself every {refresh} seconds.
						</p>
					) : null}
					{children}
				</main>
			</body>
		</html>
	);
}

export function StageBadge({ stage }: { stage: string }) {
	return <span class={`badge ${stage}`}>{stage.replace(/_/g, " ")}</span>;
}

export function CsrfField({ csrf }: { csrf: string }) {
	return <input type="hidden" name="_csrf" value={csrf} />;
}
