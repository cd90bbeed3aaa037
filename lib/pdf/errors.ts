import { PermanentError } from "../errors";

/**
 * The evidence cannot be rendered within the page or byte budget, even with every optional section dropped
 * and every list cut to its minimum. Rendering the same case again gives the same answer: not retryable.
 */
export class PdfBudgetError extends PermanentError {
	readonly pages: number | null;
	readonly bytes: number | null;

	constructor(message: string, details: { pages?: number | null; bytes?: number | null } = {}) {
		super("pdf_budget_exceeded", message);
		this.pages = details.pages ?? null;
		this.bytes = details.bytes ?? null;
	}
}

/** The fonts passed in cannot be parsed or embedded (a wrong or truncated file). Not retryable. */
export class PdfFontError extends PermanentError {
	constructor(message: string, cause?: unknown) {
		super("pdf_font_invalid", message, { cause });
	}
}
