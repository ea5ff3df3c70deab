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

/** A request the server refused or answered with errors (HTTP status, and the errors it gave). */
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
   * Send operations by hash only (`extensions.persistedQuery.sha256Hash`), for a server started with
   * ASGARD_TRUSTED_DOCUMENTS=src/gql/persisted-documents.json: no document text leaves the client.
   */
  persisted?: boolean;
}

/** The hash GraphQL Code Generator embeds in each document it generates (persistedDocuments). */
function hashOf(document: unknown): string | undefined {
  const meta = (document as { __meta__?: { hash?: unknown } }).__meta__;
  return typeof meta?.hash === "string" ? meta.hash : undefined;
}

interface Response<T> {
  data?: T | null;
  errors?: GraphQLErrorEntry[];
}

export class AsgardClient {
  readonly url: string;
  private readonly token: string | undefined;
  private readonly persisted: boolean;
  private ws: WsClient | undefined;

  constructor(options: AsgardClientOptions) {
    this.url = options.url;
    this.token = options.token;
    this.persisted = options.persisted ?? false;
  }

  /** The request's document part: its text, or its hash in persisted mode. */
  private documentOf(document: unknown): { query: string; extensions?: Record<string, unknown> } {
    const hash = this.persisted ? hashOf(document) : undefined;
    if (hash) return { query: "", extensions: { persistedQuery: { version: 1, sha256Hash: hash } } };
    return { query: print(document as Parameters<typeof print>[0]) };
  }

  /** Run a query or mutation; its data, or AsgardRequestError when the server answered with errors. */
  async request<TResult, TVariables extends Record<string, unknown>>(
    document: TypedDocumentNode<TResult, TVariables>,
    ...[variables]: TVariables extends Record<string, never> ? [] | [TVariables] : [TVariables]
  ): Promise<TResult> {
    const headers: Record<string, string> = {
      "content-type": "application/json",
      accept: "application/graphql-response+json, application/json",
    };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    const response = await fetch(this.url, {
      method: "POST",
      headers,
      body: JSON.stringify({ ...this.documentOf(document), variables: variables ?? {} }),
    });
    const text = await response.text();
    let body: Response<TResult>;
    try {
      body = JSON.parse(text) as Response<TResult>;
    } catch {
      throw new AsgardRequestError(response.status, [{ message: text.slice(0, 200) }]);
    }
    if (body.errors?.length || body.data == null) {
      throw new AsgardRequestError(response.status, body.errors ?? []);
    }
    return body.data;
  }

  /** Follow a subscription: each event's data, until the server completes it (or `return()` is called). */
  subscribe<TResult, TVariables extends Record<string, unknown>>(
    document: TypedDocumentNode<TResult, TVariables>,
    variables: TVariables,
  ): AsyncIterableIterator<TResult> {
    const iterator = this.socket().iterate<TResult>({ ...this.documentOf(document), variables });
    const next = async (): Promise<IteratorResult<TResult>> => {
      const step = await iterator.next();
      if (step.done) return { done: true, value: undefined };
      if (step.value.errors?.length || step.value.data == null) {
        throw new AsgardRequestError(200, (step.value.errors ?? []) as GraphQLErrorEntry[]);
      }
      return { done: false, value: step.value.data };
    };
    const stream: AsyncIterableIterator<TResult> = {
      next,
      return: async () => {
        await iterator.return?.();
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
      });
    }
    return this.ws;
  }
}
