/**
 * The fallback font packages, in the order they are tried for a character DejaVu Sans lacks. DejaVu already
 * draws Latin, Greek, Cyrillic, Arabic and Hebrew; these add Thai, Devanagari, Korean, Japanese and Chinese.
 * A character goes to the first family whose range files list it (Han: Simplified Chinese first), except that
 * Hangul goes to Korean and kana to Japanese first (registry.ts).
 */
export const FALLBACK_PACKAGES = [
	"@fontsource/noto-sans-thai",
	"@fontsource/noto-sans-devanagari",
	"@fontsource/noto-sans-sc",
	"@fontsource/noto-sans-jp",
	"@fontsource/noto-sans-kr",
] as const;
