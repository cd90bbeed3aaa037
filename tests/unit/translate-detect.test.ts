import { describe, expect, it } from "vitest";
import { needsTranslation, numbersKept, type Translation, translationLabel } from "../../lib/narrative/translate";

// The heuristic that decides which customer messages are sent for translation: no model, same answer every time.

describe.each([
	["English", "Hi, I did not receive my order and I would like a refund please. Can you check it for me?", false],
	["English, terse", "Order never arrived. Tracking shows nothing since Monday. Refund requested.", false],
	["English with names", "Hello, this is Jane Doe from Portland, order 4411 was charged twice on my Visa.", false],
	["French", "Bonjour, je n'ai pas reçu ma commande et je voudrais être remboursé. Merci de vérifier.", true],
	["Spanish", "Hola, no he recibido mi pedido y quiero que me devuelvan el dinero, por favor.", true],
	["German", "Hallo, ich habe meine Bestellung nicht erhalten und möchte mein Geld zurück bekommen.", true],
	["Chinese", "你好，我没有收到我的订单，请给我退款。", true],
	["Japanese", "こんにちは、注文した商品が届いていません。返金をお願いします。", true],
	["Arabic", "مرحبا، لم أستلم طلبي وأريد استرداد أموالي من فضلك.", true],
	["Hebrew", "שלום, לא קיבלתי את ההזמנה שלי ואני רוצה החזר כספי.", true],
	["Hindi", "नमस्ते, मुझे मेरा ऑर्डर नहीं मिला है, कृपया मेरा पैसा वापस करें।", true],
	["Thai", "สวัสดีครับ ผมยังไม่ได้รับสินค้าที่สั่ง กรุณาคืนเงินให้ด้วย", true],
	["mixed: English with a Chinese name", "Hi, my name is 王小明 and I would like a refund for my order please.", false],
	["mixed: mostly Chinese with an order number", "订单 #A-1042 没有收到，请退款 thanks", true],
	["very short English", "ok thanks", false],
	["very short French (too short to judge)", "Merci beaucoup", false],
	["very short Chinese", "谢谢", true],
	["no letters", "12345 !!! 2026-01-02", false],
	["empty", "", false],
])("%s", (_name, text, expected) => {
	it(`needsTranslation → ${expected}`, () => {
		expect(needsTranslation(text)).toBe(expected);
	});
});

describe("numbersKept", () => {
	it("accepts a translation with the original's figures and rejects one with a new figure", () => {
		expect(numbersKept("commande 4411 du 2 mars", "order 4411 of 2 March")).toBe(true);
		expect(numbersKept("commande 4411", "order 4411, and you owe me $5,000.00")).toBe(false);
	});
});

describe("translationLabel", () => {
	const base: Translation = { text: "Hello", sourceLanguage: "French", by: "claude" };
	it("names the language and marks the text as machine translation, the original authoritative", () => {
		expect(translationLabel(base)).toBe(
			"Translation from French (machine translation by Claude; the original above is authoritative)",
		);
	});
	it("says only 'Translation' when the model named no language", () => {
		expect(translationLabel({ ...base, sourceLanguage: null })).toBe(
			"Translation (machine translation by Claude; the original above is authoritative)",
		);
	});
});
