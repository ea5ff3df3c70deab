// A small typed client for the Asgard GraphQL API: queries and mutations over HTTP (POST, JSON), subscriptions
// over graphql-transport-ws (the `graphql-ws` client). Documents come typed from ./gql (GraphQL Code Generator's
// client preset), so results and variables are checked by the compiler.
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print } from "graphql";
import { createClient, type Client as WsClient } from "graphql-ws";
import WebSocket from "ws";

/** A GraphQL error as the server reports it: `extensions.code` (e.g. BAD_USER_INPUT) and `extensions.field`. */
export interface GraphQLErrorEntry {
  message: string;
  path?: ReadonlyArray<string | number>;
  extensions?: { code?: string; field?: string; requestId?: string; [key: string]: unknown };
}

/**
 * A request the server refused or answered with errors. `status` is the HTTP status; for a subscription it is
 * 200 when the server answered with GraphQL errors, or the websocket's close code when it closed the socket
 * (4403: the token is unknown or was revoked, 4400: a message it could not take).
 */
export class AsgardRequestError extends Error {
  constructor(
    readonly status: number,
    readonly errors: ReadonlyArray<GraphQLErrorEntry>,
  ) {
    super(errors.map((e) => `${e.extensions?.code ?? "ERROR"}: ${e.message}`).join("; ") || `HTTP ${status}`);
    this.name = "AsgardRequestError";
  }

  /** The codes of the errors, in order. */
  get codes(): string[] {
    return this.errors.map((e) => e.extensions?.code ?? "");
  }
}

export interface AsgardClientOptions {
  /** The GraphQL endpoint, e.g. http://127.0.0.1:8000/graphql (the websocket URL is derived from it). */
  url: string;
  /** A bearer token (asg_...); none for a server in loopback mode. */
  token?: string;
  /**
   * Send operations by hash (`extensions.persistedQuery.sha256Hash`). `true` (or `"trusted"`): by hash only, for
   * a server started with ASGARD_TRUSTED_DOCUMENTS=src/gql/persisted-documents.json; no document text leaves
   * the client. `"auto"`: automatic persisted queries (a server with ASGARD_PERSISTED_QUERIES=auto): the hash
   * first, and the text with it once when the server answers PERSISTED_QUERY_NOT_FOUND. The hash is of the text
   * this client prints, not of the manifest's: against a server with a manifest, use `true`.
   */
  persisted?: boolean | "trusted" | "auto";
  /** The fetch to send requests with (default: the global one), e.g. to add headers or count requests. */
  fetch?: typeof fetch;
}

/** Close codes after which a new socket would be refused the same way (thrown, never retried), by name. */
const CLOSE_CODE_NAMES: Readonly<Record<number, string>> = {
  4400: "BAD_REQUEST",
  4401: "UNAUTHENTICATED",
  4403: "FORBIDDEN",
  4409: "SUBSCRIBER_ALREADY_EXISTS",
  4429: "TOO_MANY_REQUESTS",
  4500: "INTERNAL_SERVER_ERROR",
};

interface CloseEventLike {
  code: number;
  reason: string;
}

function isCloseEvent(value: unknown): value is CloseEventLike {
  return typeof value === "object" && value !== null && typeof (value as { code?: unknown }).code === "number";
}

function isErrorEntry(value: unknown): value is GraphQLErrorEntry {
  return typeof value === "object" && value !== null && typeof (value as { message?: unknown }).message === "string";
}

/** What graphql-ws rejects with (the errors of an `error` message, a close event, an Error), as one error type. */
function subscriptionError(error: unknown): unknown {
  if (Array.isArray(error) && error.every(isErrorEntry)) return new AsgardRequestError(200, error);
  if (isCloseEvent(error) && !(error instanceof Error)) {
    const code = CLOSE_CODE_NAMES[error.code] ?? "WEBSOCKET_CLOSED";
    const message = error.reason || `the server closed the websocket (${error.code})`;
    return new AsgardRequestError(error.code, [{ message, extensions: { code } }]);
  }
  return error;
}

/** The variables argument: optional when the document has no required variables. */
type VariablesArgument<TVariables> = {} extends TVariables ? [variables?: TVariables] : [variables: TVariables];

/** The hash GraphQL Code Generator embeds in each document it generates (persistedDocuments). */
function hashOf(document: unknown): string | undefined {
  const meta = (document as { __meta__?: { hash?: unknown } }).__meta__;
  return typeof meta?.hash === "string" ? meta.hash : undefined;
}

const texts = new WeakMap<object, string>();

/** The document's text as this client sends it (printed once per document). */
function textOf(document: unknown): string {
  const key = document as object;
  let text = texts.get(key);
  if (text === undefined) {
    text = print(document as Parameters<typeof print>[0]);
    texts.set(key, text);
  }
  return text;
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

interface Response<T> {
  data?: T | null;
  errors?: GraphQLErrorEntry[];
}

interface DocumentPart {
  query: string;
  extensions?: Record<string, unknown>;
}

export class AsgardClient {
  readonly url: string;
  private readonly token: string | undefined;
  private readonly persisted: false | "trusted" | "auto";
  private readonly fetch: typeof fetch;
  private ws: WsClient | undefined;

  constructor(options: AsgardClientOptions) {
    this.url = options.url;
    this.token = options.token;
    const persisted = options.persisted ?? false;
    this.persisted = persisted === true ? "trusted" : persisted;
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  /**
   * The request's document part: its text; in trusted mode the hash of the manifest's document alone; in
   * "auto" mode the hash of the text this client sends (as Apollo's link does), with the text if `withText`.
   */
  private async documentOf(document: unknown, withText = false): Promise<DocumentPart> {
    if (!this.persisted) return { query: textOf(document) };
    const hash = this.persisted === "trusted" ? hashOf(document) : await sha256Hex(textOf(document));
    if (!hash) return { query: textOf(document) };
    const extensions = { persistedQuery: { version: 1, sha256Hash: hash } };
    return { query: withText ? textOf(document) : "", extensions };
  }

  /** Run a query or mutation; its data, or AsgardRequestError when the server answered with errors. */
  async request<TResult, TVariables extends Record<string, unknown>>(
    document: TypedDocumentNode<TResult, TVariables>,
    ...[variables]: VariablesArgument<TVariables>
  ): Promise<TResult> {
    try {
      return await this.post<TResult>(await this.documentOf(document), variables);
    } catch (error) {
      const unknownHash = error instanceof AsgardRequestError && error.codes.includes("PERSISTED_QUERY_NOT_FOUND");
      if (this.persisted !== "auto" || !unknownHash) throw error;
      return this.post<TResult>(await this.documentOf(document, true), variables); // registers the text and hash
    }
  }

  private async post<TResult>(part: DocumentPart, variables: unknown): Promise<TResult> {
    const headers: Record<string, string> = {
      "content-type": "application/json",
      accept: "application/graphql-response+json, application/json",
    };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    const body = part.query === "" ? { extensions: part.extensions } : part; // by hash: no query at all
    const response = await this.fetch(this.url, {
      method: "POST",
      headers,
      body: JSON.stringify({ ...body, variables: variables ?? {} }),
    });
    const text = await response.text();
    let answer: Response<TResult>;
    try {
      answer = JSON.parse(text) as Response<TResult>;
    } catch {
      throw new AsgardRequestError(response.status, [{ message: text.slice(0, 200) }]);
    }
    if (answer.errors?.length || answer.data == null) {
      throw new AsgardRequestError(response.status, answer.errors ?? []);
    }
    return answer.data;
  }

  /**
   * Follow a subscription: each event's data, until the server completes it (or `return()` is called). A
   * refusal (GraphQL errors, or the server closing the socket, as it does with 4403 for a revoked token)
   * rejects with AsgardRequestError; a dropped connection is retried by graphql-ws.
   */
  subscribe<TResult, TVariables extends Record<string, unknown>>(
    document: TypedDocumentNode<TResult, TVariables>,
    ...[variables]: VariablesArgument<TVariables>
  ): AsyncIterableIterator<TResult> {
    type Events = AsyncIterableIterator<{ data?: TResult | null; errors?: ReadonlyArray<unknown> }>;
    let started: Promise<Events> | undefined;
    // automatic persisted queries: a subscription sends its text with the hash (one message either way)
    const start = (): Promise<Events> =>
      (started ??= this.documentOf(document, this.persisted === "auto").then((part) =>
        this.socket().iterate<TResult>({ ...part, variables: variables ?? {} }),
      ));
    const next = async (): Promise<IteratorResult<TResult>> => {
      let step: Awaited<ReturnType<Events["next"]>>;
      try {
        step = await (await start()).next();
      } catch (error) {
        throw subscriptionError(error);
      }
      if (step.done) return { done: true, value: undefined };
      if (step.value.errors?.length || step.value.data == null) {
        // a `for await` loop does not call return() when next() throws: end the subscription here, or the
        // server would keep it running and graphql-ws would buffer its events
        await (await start()).return?.();
        throw new AsgardRequestError(200, (step.value.errors ?? []) as GraphQLErrorEntry[]);
      }
      return { done: false, value: step.value.data };
    };
    const stream: AsyncIterableIterator<TResult> = {
      next,
      return: async () => {
        if (started) await (await started).return?.();
        return { done: true, value: undefined };
      },
      [Symbol.asyncIterator]() {
        return stream;
      },
    };
    return stream;
  }

  /** Close the websocket, if one was opened. */
  async close(): Promise<void> {
    await this.ws?.dispose();
    this.ws = undefined;
  }

  private socket(): WsClient {
    if (!this.ws) {
      const token = this.token;
      this.ws = createClient({
        url: this.url.replace(/^http/, "ws"),
        webSocketImpl: WebSocket,
        connectionParams: token ? { Authorization: `Bearer ${token}` } : {},
        lazy: true,
        // a refused token (4403) or a message the server would not take is refused again on a new socket
        shouldRetry: (error) => !(isCloseEvent(error) && error.code in CLOSE_CODE_NAMES),
      });
    }
    return this.ws;
  }
}
