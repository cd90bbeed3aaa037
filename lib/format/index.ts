/**
 * The one formatting vocabulary of rebuttal: money, dates, counts and plurals, used alike by the evidence texts,
 * the PDF, the dashboard and notifications.
 */
export { formatCount, formatPercent, formatShare, noun, plural, SHARE_AS_PERCENT_FROM } from "./counts";
export {
	formatDate,
	formatDateTime,
	formatDueIn,
	formatMonth,
	formatShortDateTime,
	formatStamp,
	parseTime,
	unixToIso,
} from "./dates";
export { formatAmount, formatMoney, minorUnitDigits, toMajorUnits } from "./money";
export { humanise, humanize, yesNo } from "./words";
