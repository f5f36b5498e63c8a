/** Store URLs are parsed with the configuration (src/config/store-url.ts); re-exported for the store layer. */
export { describeLocation, parseStoreUrl, redactUrl, StoreUrlError, type StoreLocation } from '../config/store-url.js';
