export { PdfBudgetError, PdfFontError } from "./errors";
export {
	DEFAULT_MAX_BYTES,
	DEFAULT_MAX_PAGES,
	type PdfFonts,
	type RenderedPdf,
	type RenderOptions,
	renderEvidencePdf,
} from "./render";
