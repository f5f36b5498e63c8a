// Types for the parts of mwbot 2.3.3 that Pollen uses (the package ships none).
declare module 'mwbot' {
  import type { CookieJar } from 'tough-cookie';

  namespace MWBot {
    type FormValue = string | number | boolean;

    interface RequestOptions {
      uri?: string;
      method?: string;
      headers?: Record<string, string>;
      /** Query string. Replacing it drops mwbot's `format=json`. */
      qs?: Record<string, string>;
      /** POST body; values go through URLSearchParams (so `false` becomes "false"). */
      form?: Record<string, FormValue>;
      formData?: FormData;
      /** Milliseconds. */
      timeout?: number;
    }

    interface Options {
      apiUrl?: string;
      verbose?: boolean;
      silent?: boolean;
      username?: string;
      password?: string;
    }

    /** What mwbot rejects with for an API error (`{ error: { code, info } }`). */
    interface ApiError extends Error {
      code?: string;
      info?: string;
      errorResponse?: boolean;
      response?: unknown;
      /** The whole request, secrets included: never log or rethrow it. */
      request?: unknown;
    }
  }

  class MWBot {
    constructor(options?: MWBot.Options, requestOptions?: MWBot.RequestOptions);
    options: MWBot.Options & Record<string, unknown>;
    globalRequestOptions: MWBot.RequestOptions;
    cookieJar: CookieJar;
    loggedIn: boolean;
    editToken: string | false;
    readonly version: string;
    setApiUrl(apiUrl: string): void;
    setGlobalRequestOptions(options: MWBot.RequestOptions): void;
    /** One HTTP request; resolves with parsed JSON, or the text when it is not JSON. */
    rawRequest(requestOptions: MWBot.RequestOptions): Promise<unknown>;
    /** An API request; rejects with `MWBot.ApiError` when the answer holds `error`. */
    request(params: Record<string, MWBot.FormValue>, customRequestOptions?: MWBot.RequestOptions): Promise<unknown>;
  }

  export = MWBot;
}
