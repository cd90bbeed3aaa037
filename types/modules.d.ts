declare module "*.ttf" {
	const value: ArrayBuffer;
	export default value;
}

declare module "*.woff" {
	const value: ArrayBuffer;
	export default value;
}
