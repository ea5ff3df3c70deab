/* eslint-disable */
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never };
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** Date with time (isoformat) */
  DateTime: { input: string; output: string; }
  /** The `JSON` scalar type represents JSON values as specified by [ECMA-404](https://ecma-international.org/wp-content/uploads/ECMA-404_2nd_edition_december_2017.pdf). */
  JSON: { input: unknown; output: unknown; }
  /** A 64-bit integer, sent as a JSON number (exact up to 2^53). */
  Long: { input: number; output: number; }
};

/** A file or directory among a run's artifacts. */
export type Artifact = {
  __typename?: 'Artifact';
  /** True for a directory. */
  isDir: Scalars['Boolean']['output'];
  /** Path relative to the run's artifact root. */
  path: Scalars['String']['output'];
  /** Size in bytes; null for directories. */
  size?: Maybe<Scalars['Long']['output']>;
};

/** One column of a gold table. */
export type Column = {
  __typename?: 'Column';
  /** The column's documentation, if any. */
  description?: Maybe<Scalars['String']['output']>;
  /** Column name. */
  name: Scalars['String']['output'];
  /** Whether the column may hold nulls. */
  nullable: Scalars['Boolean']['output'];
  /** Statistics of the column in the table's current snapshot, from its manifests; null when the table is gone. Editors and up, as `preview`: its bounds are values of columns no feature view may expose (a feature's own are on FeatureView.features for readers). */
  stats?: Maybe<ColumnStats>;
  /** Iceberg type name: int, long, double, string, timestamptz, list<long>... */
  type: Scalars['String']['output'];
};

/** A column's statistics over the current snapshot's data files, from the table's manifests (no data is read). Rows removed by delete files still count; bounds of strings and binaries may be truncated (Iceberg keeps 16 characters by default). A figure some data file does not record is null. */
export type ColumnStats = {
  __typename?: 'ColumnStats';
  /** Smallest value, as JSON (times as ISO-8601); null when unknown or every value is null. */
  lowerBound?: Maybe<Scalars['JSON']['output']>;
  /** NaN values (floating-point columns only). */
  nanCount?: Maybe<Scalars['Long']['output']>;
  /** Null values. */
  nullCount?: Maybe<Scalars['Long']['output']>;
  /** Bytes the column takes in the data files. */
  sizeBytes?: Maybe<Scalars['Long']['output']>;
  /** The snapshot these describe; null for an empty table. */
  snapshotId?: Maybe<Scalars['String']['output']>;
  /** Largest value, as JSON (times as ISO-8601); null when unknown or every value is null. */
  upperBound?: Maybe<Scalars['JSON']['output']>;
  /** Values in the column, nulls included. */
  valueCount?: Maybe<Scalars['Long']['output']>;
};

/** An experiment to create. */
export type CreateExperimentInput = {
  /** Unique experiment name. */
  name: Scalars['String']['input'];
  /** Tags to set. */
  tags?: InputMaybe<Array<TagInput>>;
};

/** A feature service to create, or to update when the name exists. */
export type CreateFeatureServiceInput = {
  /** What the service is for. */
  description?: InputMaybe<Scalars['String']['input']>;
  /** Feature views to take features from. */
  featureViews: Array<FeatureViewProjectionInput>;
  /** Unique name of the service. */
  name: Scalars['String']['input'];
  /** Who owns the service. */
  owner?: InputMaybe<Scalars['String']['input']>;
  /** Labels to attach. */
  tags?: InputMaybe<Array<TagInput>>;
};

/** An alias to remove from a registered model. */
export type DeleteModelAliasInput = {
  /** The alias to remove. */
  alias: Scalars['String']['input'];
  /** Name of the registered model. */
  model: Scalars['String']['input'];
};

/** The result of a delete. */
export type DeletePayload = {
  __typename?: 'DeletePayload';
  /** Name of the deleted object; null when nothing was deleted. */
  name?: Maybe<Scalars['String']['output']>;
  /** Why nothing was deleted, if so. */
  userErrors: Array<UserError>;
};

/** A business object features describe (a customer, an order), keyed by a join key. */
export type Entity = Node & {
  __typename?: 'Entity';
  /** When it was first registered. */
  createdAt?: Maybe<Scalars['DateTime']['output']>;
  /** What the entity is. */
  description: Scalars['String']['output'];
  /** Opaque, stable id of this object across the API: the same on every replica and after restarts. Pass it to node(id:). */
  globalId: Scalars['ID']['output'];
  /** Column that identifies the entity in source tables. */
  joinKey: Scalars['String']['output'];
  /** Unique name of the entity. */
  name: Scalars['String']['output'];
  /** Who owns the entity. */
  owner: Scalars['String']['output'];
  /** Labels attached to the entity. */
  tags: Array<Tag>;
  /** When it last changed. */
  updatedAt?: Maybe<Scalars['DateTime']['output']>;
  /** Type of the join key. */
  valueType?: Maybe<FeatureDtype>;
};

/** What went wrong, in a form a client can branch on. */
export type ErrorCode =
  /** An object of that name exists already. */
  | 'ALREADY_EXISTS'
  /** The object's current state does not allow it (a job that already ended). */
  | 'CONFLICT'
  /** The same name is given twice. */
  | 'DUPLICATE'
  /** The caller's role, or ownership, does not allow it. */
  | 'FORBIDDEN'
  /** The name breaks the naming rules given in the message. */
  | 'INVALID_NAME'
  /** Not a requirement on the package index (PEP 508, no paths, URLs or options). */
  | 'INVALID_REQUIREMENT'
  /** The training script is missing, not UTF-8, or does not compile. */
  | 'INVALID_SCRIPT'
  /** The value is not allowed here; the message says why. */
  | 'INVALID_VALUE'
  /** Other objects depend on it (a view a feature service uses): change or delete them first. */
  | 'IN_USE'
  /** Over a configured limit (ASGARD_* settings). */
  | 'LIMIT_EXCEEDED'
  /** The model's own code failed to load or raised while predicting, hung past ASGARD_MODEL_TIMEOUT, or its worker process died (a crash, or over ASGARD_MODEL_MEMORY_MB); the message says which. Nothing was predicted; a worker that hung or died is replaced by the next prediction. */
  | 'MODEL_FAILED'
  /** The object named does not exist. */
  | 'NOT_FOUND'
  /** Over a size cap (the script's, a file's). */
  | 'TOO_LARGE'
  /** The column's type cannot hold the declared dtype without losing values. */
  | 'TYPE_MISMATCH'
  /** The table has no such column. */
  | 'UNKNOWN_COLUMN'
  /** The gold catalog has no such table. */
  | 'UNKNOWN_TABLE';

/** An MLflow experiment: a named group of runs. */
export type Experiment = Node & {
  __typename?: 'Experiment';
  /** Root URI of the experiment's artifacts. */
  artifactLocation: Scalars['String']['output'];
  /** When it was created. */
  creationTime?: Maybe<Scalars['DateTime']['output']>;
  /** Opaque, stable id of this object across the API: the same on every replica and after restarts. Pass it to node(id:). */
  globalId: Scalars['ID']['output'];
  /** Experiment id. */
  id: Scalars['ID']['output'];
  /** When it last changed. */
  lastUpdateTime?: Maybe<Scalars['DateTime']['output']>;
  /** active or deleted. */
  lifecycleStage: Scalars['String']['output'];
  /** Unique experiment name. */
  name: Scalars['String']['output'];
  /** Runs of this experiment, newest first unless ordered otherwise. */
  runs: RunConnection;
  /** Tags of the experiment. */
  tags: Array<Tag>;
};


/** An MLflow experiment: a named group of runs. */
export type ExperimentRunsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  orderBy?: InputMaybe<Array<Scalars['String']['input']>>;
};

/** A page of items: edges, where the page ends, and how many exist in all. */
export type ExperimentConnection = {
  __typename?: 'ExperimentConnection';
  /** The items of this page, in order. */
  edges: Array<ExperimentEdge>;
  /** Where this page ends. */
  pageInfo: PageInfo;
  /** How many items match, across all pages; null where the backend cannot count cheaply. */
  totalCount?: Maybe<Scalars['Int']['output']>;
};

/** One item of a connection, with the cursor that points at it. */
export type ExperimentEdge = {
  __typename?: 'ExperimentEdge';
  /** Opaque position of this item. */
  cursor: Scalars['String']['output'];
  /** The item. */
  node: Experiment;
};

/** Result of an experiment mutation. */
export type ExperimentPayload = {
  __typename?: 'ExperimentPayload';
  /** The experiment; null on errors. */
  experiment?: Maybe<Experiment>;
  /** Problems with the input; nothing changed. */
  userErrors: Array<UserError>;
};

/** The file format of an export. */
export type ExportFormat =
  /** Apache Parquet, snappy-compressed. */
  | 'PARQUET';

/** One feature of a feature view: a column of its source table. */
export type Feature = {
  __typename?: 'Feature';
  /** What the feature means. */
  description: Scalars['String']['output'];
  /** Value type of the feature. */
  dtype?: Maybe<FeatureDtype>;
  /** The distribution of the feature's source column, from a scan of the gold table's current snapshot (at most 1,000,000 rows; kept per snapshot, so asking again is free until the table changes); null when the table or the column is gone. Costs a scan: ask for it on purpose. */
  histogram?: Maybe<Histogram>;
  /** Feature (and source column) name. */
  name: Scalars['String']['output'];
  /** Statistics of the feature's source column in the gold table's current snapshot, from its manifests (no scan); null when the table or the column is gone. */
  stats?: Maybe<ColumnStats>;
};


/** One feature of a feature view: a column of its source table. */
export type FeatureHistogramArgs = {
  bins?: Scalars['Int']['input'];
};

/** A column of a feature table. */
export type FeatureColumn = {
  __typename?: 'FeatureColumn';
  /** Type of the column's values. */
  dtype?: Maybe<FeatureDtype>;
  /** Column name: a join key, event_timestamp, or a feature. */
  name: Scalars['String']['output'];
};

/** How far one feature's current data is from its training data. */
export type FeatureDrift = {
  __typename?: 'FeatureDrift';
  /** Current rows compared (at most 100,000). */
  currentCount: Scalars['Int']['output'];
  /** Whether psi reached psiThreshold; null when unknown. */
  drifted?: Maybe<Scalars['Boolean']['output']>;
  /** The feature, "view:feature". */
  feature: Scalars['String']['output'];
  /** Kolmogorov-Smirnov distance (0 to 1) between the training and current distributions, at the training quantiles; null without current values. */
  ks?: Maybe<Scalars['Float']['output']>;
  /** Population stability index over the training histogram's bins (0: the same; 0.1-0.2 a moderate shift; 0.2 and up significant); null without current values. */
  psi?: Maybe<Scalars['Float']['output']>;
  /** Rows it was trained on. */
  trainingCount: Scalars['Int']['output'];
};

/** Value type of a feature or entity key; `_LIST` types hold arrays of it. */
export type FeatureDtype =
  /** true or false (Iceberg boolean). */
  | 'BOOL'
  /** An array of: true or false (Iceberg boolean). */
  | 'BOOL_LIST'
  /** Bytes (Iceberg binary), sent base64-encoded. */
  | 'BYTES'
  /** An array of: bytes (Iceberg binary), sent base64-encoded. */
  | 'BYTES_LIST'
  /** 32-bit float (Iceberg float). */
  | 'FLOAT32'
  /** An array of: 32-bit float (Iceberg float). */
  | 'FLOAT32_LIST'
  /** 64-bit float (Iceberg float or double). */
  | 'FLOAT64'
  /** An array of: 64-bit float (Iceberg float or double). */
  | 'FLOAT64_LIST'
  /** 32-bit signed integer (Iceberg int). */
  | 'INT32'
  /** An array of: 32-bit signed integer (Iceberg int). */
  | 'INT32_LIST'
  /** 64-bit signed integer (Iceberg int or long), sent as a JSON number. */
  | 'INT64'
  /** An array of: 64-bit signed integer (Iceberg int or long), sent as a JSON number. */
  | 'INT64_LIST'
  /** UTF-8 text (Iceberg string). */
  | 'STRING'
  /** An array of: uTF-8 text (Iceberg string). */
  | 'STRING_LIST'
  /** A point in time (Iceberg timestamp or timestamptz), sent as ISO-8601. */
  | 'UNIX_TIMESTAMP'
  /** An array of: a point in time (Iceberg timestamp or timestamptz), sent as ISO-8601. */
  | 'UNIX_TIMESTAMP_LIST';

/** A result written to a file, to download with GET on `url` (with the same token). */
export type FeatureExport = {
  __typename?: 'FeatureExport';
  /** Size of the file in bytes. */
  bytes: Scalars['Long']['output'];
  /** Columns of the file, in order: join keys, event_timestamp (UTC), then the features. */
  columns: Array<FeatureColumn>;
  /** When the file was written. */
  createdAt: Scalars['DateTime']['output'];
  /** When the file is deleted (ASGARD_EXPORT_TTL_SECONDS). */
  expiresAt: Scalars['DateTime']['output'];
  /** File format: PARQUET. */
  format: ExportFormat;
  /** Export id. */
  id: Scalars['ID']['output'];
  /** Rows in the file. */
  rowCount: Scalars['Long']['output'];
  /** Where to download it, relative to this server: /exports/<id>.parquet. Only the caller who made the export, or an admin, may download it. */
  url: Scalars['String']['output'];
};

/** One feature to register: a column of the source table. */
export type FeatureInput = {
  /** What the feature means. */
  description?: InputMaybe<Scalars['String']['input']>;
  /** Declared type; must fit the column's type. */
  dtype: FeatureDtype;
  /** Column name, which becomes the feature name. */
  name: Scalars['String']['input'];
};

/** A feature by its view: what a model version or a run was trained on. */
export type FeatureReference = {
  __typename?: 'FeatureReference';
  /** The feature view (it may have been deleted since). */
  featureView: Scalars['String']['output'];
  /** The feature's name in the view. */
  name: Scalars['String']['output'];
  /** "view:feature", as onlineFeatures and Feast take it. */
  reference: Scalars['String']['output'];
  /** How Asgard knows it was trained on it. */
  source?: Maybe<LineageSource>;
};

/** A named set of features a model consumes, taken from feature views. */
export type FeatureService = Node & {
  __typename?: 'FeatureService';
  /** When it was first registered. */
  createdAt?: Maybe<Scalars['DateTime']['output']>;
  /** What the service is for. */
  description: Scalars['String']['output'];
  /** The views it takes features from, with the features chosen. */
  featureViews: Array<FeatureViewProjection>;
  /** Opaque, stable id of this object across the API: the same on every replica and after restarts. Pass it to node(id:). */
  globalId: Scalars['ID']['output'];
  /** The model versions whose training job declared this feature service, by model name, newest version first. */
  models: Array<ModelVersion>;
  /** Unique name of the feature service. */
  name: Scalars['String']['output'];
  /** Who owns the service. */
  owner: Scalars['String']['output'];
  /** Labels attached to the service. */
  tags: Array<Tag>;
  /** When it last changed. */
  updatedAt?: Maybe<Scalars['DateTime']['output']>;
};


/** A named set of features a model consumes, taken from feature views. */
export type FeatureServiceModelsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
};

/** Result of createFeatureService. */
export type FeatureServicePayload = {
  __typename?: 'FeatureServicePayload';
  /** CREATED, UPDATED or UNCHANGED; null when userErrors is not empty. */
  change?: Maybe<RegistrationChange>;
  /** The service as registered; null on errors. */
  featureService?: Maybe<FeatureService>;
  /** Problems with the input; nothing was written. */
  userErrors: Array<UserError>;
};

/** The gold table a feature view reads, and its event-time column. */
export type FeatureSource = {
  __typename?: 'FeatureSource';
  /** Name of the gold catalog. */
  catalog?: Maybe<Scalars['String']['output']>;
  /** Column that breaks ties between rows with the same event time. */
  createdTimestampField?: Maybe<Scalars['String']['output']>;
  /** Qualified gold table, e.g. "gold.customer_aggregates". */
  table: Scalars['String']['output'];
  /** Column holding each row's event time. */
  timestampField: Scalars['String']['output'];
};

/** Which registry, offline and online store Feast uses, and what they hold. */
export type FeatureStoreStatus = {
  __typename?: 'FeatureStoreStatus';
  /** Number of entities. */
  entities: Scalars['Int']['output'];
  /** Number of feature services. */
  featureServices: Scalars['Int']['output'];
  /** Number of feature views. */
  featureViews: Scalars['Int']['output'];
  /** Kind of offline store, e.g. DUCKDB. */
  offlineStoreType: Scalars['String']['output'];
  /** Kind of online store (SQLITE, REDIS) or DISABLED. */
  onlineStoreType: Scalars['String']['output'];
  /** Feast project the server registers into. */
  project: Scalars['String']['output'];
  /** Where the registry lives (credentials removed). */
  registryLocation: Scalars['String']['output'];
  /** Kind of registry, e.g. SQL_SQLITE or SQL_POSTGRESQL. */
  registryType: Scalars['String']['output'];
};

/** Feature values as a typed table: columns in the order asked for, one row per entity. */
export type FeatureTable = {
  __typename?: 'FeatureTable';
  /** Columns: join keys first, then the features. */
  columns: Array<FeatureColumn>;
  /** Online only: per value the event time it was written with (ISO-8601), shaped like rows. */
  eventTimestamps?: Maybe<Scalars['JSON']['output']>;
  /** List of rows, each a list of values in column order. */
  rows: Scalars['JSON']['output'];
  /** Online only: per value PRESENT, NOT_FOUND or OUTSIDE_MAX_AGE, shaped like rows. */
  statuses?: Maybe<Scalars['JSON']['output']>;
};

/** A group of features of one or more entities, read from one gold table. */
export type FeatureView = Node & {
  __typename?: 'FeatureView';
  /** When it was first registered. */
  createdAt?: Maybe<Scalars['DateTime']['output']>;
  /** What the view holds. */
  description: Scalars['String']['output'];
  /** Entities whose join keys the view is keyed by. */
  entities: Array<Entity>;
  /** Features of the view, in declared order. */
  features: Array<Feature>;
  /** How fresh the view is; null if it was deleted meanwhile. */
  freshness?: Maybe<Freshness>;
  /** Opaque, stable id of this object across the API: the same on every replica and after restarts. Pass it to node(id:). */
  globalId: Scalars['ID']['output'];
  /** Every definition the view has had, newest first: each registration that changed it and its deletion (a view deleted and registered again keeps counting). Read-only; kept by the server beside Feast's registry. */
  history: Array<FeatureViewVersion>;
  /** Time ranges loaded into the online store, oldest first. */
  materializationIntervals: Array<MaterializationInterval>;
  /** The model versions trained on this view's features (ModelVersion.features says how each is known), by model name, newest version first. */
  models: Array<ModelVersion>;
  /** Unique name of the feature view. */
  name: Scalars['String']['output'];
  /** Whether the view is served from the online store. */
  online: Scalars['Boolean']['output'];
  /** Who owns the view. */
  owner: Scalars['String']['output'];
  /** Where the features are read from. */
  source: FeatureSource;
  /** Labels attached to the view. */
  tags: Array<Tag>;
  /** How long a value stays valid after its event time; null means forever. */
  ttlSeconds?: Maybe<Scalars['Int']['output']>;
  /** When it last changed. */
  updatedAt?: Maybe<Scalars['DateTime']['output']>;
};


/** A group of features of one or more entities, read from one gold table. */
export type FeatureViewHistoryArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** A group of features of one or more entities, read from one gold table. */
export type FeatureViewModelsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
};

/** What a version of a feature view records. */
export type FeatureViewChange =
  /** The view was registered (for the first time, or again). */
  | 'CREATED'
  /** The view was deleted. */
  | 'DELETED'
  /** A registration changed its definition. */
  | 'UPDATED';

/** A page of items: edges, where the page ends, and how many exist in all. */
export type FeatureViewConnection = {
  __typename?: 'FeatureViewConnection';
  /** The items of this page, in order. */
  edges: Array<FeatureViewEdge>;
  /** Where this page ends. */
  pageInfo: PageInfo;
  /** How many items match, across all pages; null where the backend cannot count cheaply. */
  totalCount?: Maybe<Scalars['Int']['output']>;
};

/** One item of a connection, with the cursor that points at it. */
export type FeatureViewEdge = {
  __typename?: 'FeatureViewEdge';
  /** Opaque position of this item. */
  cursor: Scalars['String']['output'];
  /** The item. */
  node: FeatureView;
};

/** A change to a feature view, as featureViewChanged tells it. */
export type FeatureViewEvent = {
  __typename?: 'FeatureViewEvent';
  /** When the change was seen (within a poll of when it was made). */
  at: Scalars['DateTime']['output'];
  /** The view after the change; null once deleted. */
  featureView?: Maybe<FeatureView>;
  /** What happened. */
  kind: FeatureViewEventKind;
  /** The feature view's name. */
  name: Scalars['String']['output'];
};

/** What happened to a feature view. */
export type FeatureViewEventKind =
  /** It was deleted. */
  | 'DELETED'
  /** A range of it was loaded into the online store. */
  | 'MATERIALIZED'
  /** It was registered (for the first time, or again). */
  | 'REGISTERED'
  /** A registration changed its definition. */
  | 'UPDATED';

/** Narrows a list of feature views; all given conditions must hold. */
export type FeatureViewFilter = {
  /** Entity name or join key the view must be keyed by. */
  entity?: InputMaybe<Scalars['String']['input']>;
  /** Case-insensitive substring of the name. */
  nameContains?: InputMaybe<Scalars['String']['input']>;
  /** A tag the view must carry. */
  tag?: InputMaybe<TagInput>;
};

/** The features a feature service takes from one feature view. */
export type FeatureViewProjection = {
  __typename?: 'FeatureViewProjection';
  /** Names of the chosen features. */
  featureNames: Array<Scalars['String']['output']>;
  /** The feature view itself; null if it was deleted meanwhile. */
  featureView?: Maybe<FeatureView>;
  /** The chosen features with their types. */
  features: Array<Feature>;
  /** Name of the feature view. */
  name: Scalars['String']['output'];
};

/** Features to take from one feature view. */
export type FeatureViewProjectionInput = {
  /** Features to take; null takes all of them. */
  features?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Name of the feature view. */
  name: Scalars['String']['input'];
};

/** One definition a feature view has had. */
export type FeatureViewVersion = {
  __typename?: 'FeatureViewVersion';
  /** What this version records. */
  change: FeatureViewChange;
  /** When the change was made. */
  changedAt: Scalars['DateTime']['output'];
  /** Who made it: the token's name ("local" without tokens); null for a definition that predates the history (recorded at its next change). */
  changedBy?: Maybe<Scalars['String']['output']>;
  /** The definition as registerFeatureView's input (send it back to restore it); null for a deletion. */
  definition?: Maybe<Scalars['JSON']['output']>;
  /** 1 for the first definition recorded, counting up. */
  version: Scalars['Int']['output'];
};

/** How fresh a feature view is: its gold table's newest event (from Iceberg's manifests, no scan) against what the online store was loaded with, and the view's TTL. */
export type Freshness = {
  __typename?: 'Freshness';
  /** How much newer the table's newest event is than what the online store was loaded up to (0: caught up); null for an offline-only view or when either is unknown. */
  lagSeconds?: Maybe<Scalars['Float']['output']>;
  /** When the latest successful materialization that included the view finished; null if none has (or the view is offline only). */
  lastMaterializedAt?: Maybe<Scalars['DateTime']['output']>;
  /** The newest event time in the source table's current snapshot (the upper bound of its timestamp column); null when the table is empty or its files do not record it. */
  latestEventTime?: Maybe<Scalars['DateTime']['output']>;
  /** End of the latest time range loaded into the online store; null if never loaded. */
  materializedUpTo?: Maybe<Scalars['DateTime']['output']>;
  /** Online and behind its table, or never loaded while the table holds rows, or its newest value past the TTL. */
  stale: Scalars['Boolean']['output'];
  /** Whether the newest value a reader gets (online: the newest loaded; offline: the table's newest) is younger than the view's TTL now; true for a TTL of forever; null when there is none. */
  withinTtl?: Maybe<Scalars['Boolean']['output']>;
};

/** The first rows of a gold table, to see the data before registering a view. */
export type GoldPreview = {
  __typename?: 'GoldPreview';
  /** The table's columns, in order, with their Iceberg types. */
  columns: Array<Column>;
  /** List of rows, each a list of values in column order: numbers and booleans as JSON, decimals and uuids as strings, binary as base64, dates and times as ISO-8601 (with their zone when the column has one), structs as objects, maps as [key, value] pairs, NaN as null. */
  rows: Scalars['JSON']['output'];
};

/** An Apache Iceberg table of the gold layer. */
export type GoldTable = Node & {
  __typename?: 'GoldTable';
  /** Columns of the current schema, in order. */
  columns: Array<Column>;
  /** The feature views that read this table, by name. */
  featureViews: Array<FeatureView>;
  /** Opaque, stable id of this object across the API: the same on every replica and after restarts. Pass it to node(id:). */
  globalId: Scalars['ID']['output'];
  /** When the table's metadata last changed. */
  lastUpdated?: Maybe<Scalars['DateTime']['output']>;
  /** The model versions trained on the features of views over this table (through FeatureView.models), by model name, newest version first. */
  models: Array<ModelVersion>;
  /** Qualified name, e.g. "gold.customer_aggregates". */
  name: Scalars['String']['output'];
  /** Iceberg namespace (schema) of the table. */
  namespace: Scalars['String']['output'];
  /** The table's first rows from its current snapshot (none while it is empty). Editors and up: it shows columns no feature view exposes yet, which readers otherwise never see. */
  preview?: Maybe<GoldPreview>;
  /** Rows in the current snapshot. */
  rowCount?: Maybe<Scalars['Long']['output']>;
  /** How many snapshots the table keeps. */
  snapshotCount: Scalars['Int']['output'];
  /** Id of the current snapshot (a string: Iceberg ids are 64-bit); null when empty. */
  snapshotId?: Maybe<Scalars['String']['output']>;
  /** Table name within its namespace. */
  table: Scalars['String']['output'];
};


/** An Apache Iceberg table of the gold layer. */
export type GoldTableModelsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** An Apache Iceberg table of the gold layer. */
export type GoldTablePreviewArgs = {
  first?: Scalars['Int']['input'];
};

/** The distribution of a column's values from a scan of its table's current snapshot. */
export type Histogram = {
  __typename?: 'Histogram';
  /** For numbers: equal-width bins from the smallest value to the largest; empty otherwise. */
  bins: Array<HistogramBin>;
  /** Whether every row of the snapshot was read. */
  complete: Scalars['Boolean']['output'];
  /** Nulls (and NaNs) among the rows read. */
  nullCount: Scalars['Long']['output'];
  /** Rows read (at most 1,000,000). */
  rows: Scalars['Long']['output'];
  /** The snapshot read; null for an empty table. */
  snapshotId?: Maybe<Scalars['String']['output']>;
  /** For other types (strings, booleans, times): the most frequent values, as many as `bins`. */
  topValues: Array<ValueCount>;
};

/** One bin of a histogram: values from lower (included) to upper (excluded, but for the last bin). */
export type HistogramBin = {
  __typename?: 'HistogramBin';
  /** Values in the bin. */
  count: Scalars['Long']['output'];
  /** The bin's lower bound. */
  lower: Scalars['Float']['output'];
  /** The bin's upper bound. */
  upper: Scalars['Float']['output'];
};

/** Result of exportHistoricalFeatures. */
export type HistoricalExportPayload = {
  __typename?: 'HistoricalExportPayload';
  /** The written export; null on errors. */
  export?: Maybe<FeatureExport>;
  /** Why nothing was exported, if so. */
  userErrors: Array<UserError>;
};

/** Point-in-time correct feature values for entities at given times. */
export type HistoricalFeaturesInput = {
  /** Entity columns with an "event_timestamp" column of ISO-8601 times with a zone. */
  entities: Scalars['JSON']['input'];
  /** A feature service to read. */
  featureService?: InputMaybe<Scalars['String']['input']>;
  /** Feature references "view:feature"; or give featureService. */
  features?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Name columns "view__feature" instead of "feature". */
  fullFeatureNames?: Scalars['Boolean']['input'];
  /** Return at most this many rows. */
  limit?: InputMaybe<Scalars['Int']['input']>;
};

/** Where a training job is in its life. */
export type JobStatus =
  /** Stopped on request. */
  | 'CANCELLED'
  /** The script exited otherwise, its install failed, or its server stopped. */
  | 'FAILED'
  /** A worker holds it and installs its requirements. */
  | 'PREPARING'
  /** Waiting for a worker. */
  | 'QUEUED'
  /** The script runs. */
  | 'RUNNING'
  /** The script exited with 0 (and its model was registered, when one is named). */
  | 'SUCCEEDED'
  /** Stopped after its timeout. */
  | 'TIMED_OUT';

/** Which objects a search covers by lifecycle stage. */
export type LifecycleView =
  /** Only objects not deleted (the default). */
  | 'ACTIVE_ONLY'
  /** Both. */
  | 'ALL'
  /** Only deleted objects (kept until purged). */
  | 'DELETED_ONLY';

/** A dependency between two nodes: `from` uses `to`. */
export type LineageEdge = {
  __typename?: 'LineageEdge';
  /** The dependent node's id. */
  from: Scalars['ID']['output'];
  /** What the dependency is. */
  kind: LineageEdgeKind;
  /** For TRAINED_ON: how Asgard knows it; null for the others. */
  source?: Maybe<LineageSource>;
  /** The id of the node it uses. */
  to: Scalars['ID']['output'];
};

/** What an edge of the lineage graph says; it runs from the dependent to what it uses. */
export type LineageEdgeKind =
  /** A feature service includes a feature view. */
  | 'INCLUDES'
  /** A feature view is keyed by an entity. */
  | 'KEYED_BY'
  /** A feature view reads a gold table. */
  | 'READS'
  /** A model version was trained on a feature service, or on a feature view's features. */
  | 'TRAINED_ON';

/** The objects around one, within a number of edges either way, for a frontend to draw. */
export type LineageGraph = {
  __typename?: 'LineageGraph';
  /** The edges between them. */
  edges: Array<LineageEdge>;
  /** Every node within the depth, the root first. */
  nodes: Array<LineageNode>;
  /** The id of the object asked about. */
  root: Scalars['ID']['output'];
  /** Whether nodes were left out to keep the graph at 500 nodes. */
  truncated: Scalars['Boolean']['output'];
};

/** An object of the lineage graph. */
export type LineageNode = {
  __typename?: 'LineageNode';
  /** Edges between it and the graph's root (0: the root). */
  depth: Scalars['Int']['output'];
  /** KIND:name, e.g. "FEATURE_VIEW:customer_features", "MODEL_VERSION:churn/3". */
  id: Scalars['ID']['output'];
  /** What it is. */
  kind: LineageNodeKind;
  /** Its name (a model version's model). */
  name: Scalars['String']['output'];
  /** A model version's number; null otherwise. */
  version?: Maybe<Scalars['Int']['output']>;
};

/** What a node of the lineage graph is. */
export type LineageNodeKind =
  /** An entity. */
  | 'ENTITY'
  /** A feature service. */
  | 'FEATURE_SERVICE'
  /** A feature view. */
  | 'FEATURE_VIEW'
  /** An Iceberg table of the gold layer (name: ns.table). */
  | 'GOLD_TABLE'
  /** A version of a registered model (name: the model; version: its number). */
  | 'MODEL_VERSION';

/** How Asgard knows what a model version or run was trained on. */
export type LineageSource =
  /** The feature service its training job declared (or Feast's feast.feature_service tag). */
  | 'FEATURE_SERVICE'
  /** The features the training script retrieved through Feast, recorded on its run (feast.feature_refs). */
  | 'RECORDED'
  /** The model's input columns matched by name with registered features (each name one view's feature only): a guess, used when nothing was declared or recorded. */
  | 'SIGNATURE';

/** The object to draw the lineage graph around. */
export type LineageTarget = {
  /** What it is. */
  kind: LineageNodeKind;
  /** Its name (a gold table's qualified name; a model version's model). */
  name: Scalars['String']['input'];
  /** A model version's number. */
  version?: InputMaybe<Scalars['Int']['input']>;
};

/** One line of a job's log. */
export type LogLine = {
  __typename?: 'LogLine';
  /** Line number, from 0, in the order lines were written. */
  number: Scalars['Int']['output'];
  /** STDOUT, STDERR or SYSTEM (the server's own notes). */
  stream: LogStream;
  /** The line, without its newline. */
  text: Scalars['String']['output'];
  /** When the line was written. */
  time: Scalars['DateTime']['output'];
};

/** Where a log line came from: the script's stdout or stderr, or the server. */
export type LogStream =
  /** The script's standard error. */
  | 'STDERR'
  /** The script's standard output. */
  | 'STDOUT'
  /** The server's own notes on the job (claims, installs, how it ended). */
  | 'SYSTEM';

/** A model a run logged (MLflow 3 logged model). */
export type LoggedModel = {
  __typename?: 'LoggedModel';
  /** When it was logged. */
  createdAt?: Maybe<Scalars['DateTime']['output']>;
  /** MLflow's model id (m-...). */
  id: Scalars['ID']['output'];
  /** Model type, when the logger set one. */
  modelType?: Maybe<Scalars['String']['output']>;
  /** Name the model was logged under. */
  name: Scalars['String']['output'];
  /** READY, PENDING or FAILED. */
  status: Scalars['String']['output'];
  /** Tags of the logged model. */
  tags: Array<Tag>;
};

/** A materialization: a tracked background load into the online store. */
export type Materialization = Node & {
  __typename?: 'Materialization';
  /** End of the range. */
  end: Scalars['DateTime']['output'];
  /** Why it failed. */
  error?: Maybe<Scalars['String']['output']>;
  /** The feature views it loads. */
  featureViews: Array<Scalars['String']['output']>;
  /** When it ended. */
  finishedAt?: Maybe<Scalars['DateTime']['output']>;
  /** Opaque, stable id of this object across the API: the same on every replica and after restarts. Pass it to node(id:). */
  globalId: Scalars['ID']['output'];
  /** Operation id. */
  id: Scalars['ID']['output'];
  /** Whether each view continued from its last materialization. */
  incremental: Scalars['Boolean']['output'];
  /** Entity rows written to the online store. */
  rowsWritten?: Maybe<Scalars['Long']['output']>;
  /** Start of the range; null for incremental runs. */
  start?: Maybe<Scalars['DateTime']['output']>;
  /** When it started. */
  startedAt: Scalars['DateTime']['output'];
  /** RUNNING, SUCCEEDED or FAILED. */
  status: MaterializationStatus;
};

/** A time range of a feature view's data loaded into the online store. */
export type MaterializationInterval = {
  __typename?: 'MaterializationInterval';
  /** End of the range. */
  end: Scalars['DateTime']['output'];
  /** Start of the range (inclusive). */
  start: Scalars['DateTime']['output'];
};

/** Where a materialization is. */
export type MaterializationStatus =
  /** It stopped on an error (see `error`). */
  | 'FAILED'
  /** Loading rows into the online store. */
  | 'RUNNING'
  /** Every view was loaded. */
  | 'SUCCEEDED';

/** Load feature views into the online store: a time range, or incrementally. */
export type MaterializeInput = {
  /** End of the range; now when null. */
  end?: InputMaybe<Scalars['DateTime']['input']>;
  /** Online feature views to materialize. */
  featureViews: Array<Scalars['String']['input']>;
  /** From where each view's last materialization ended (no start). */
  incremental?: Scalars['Boolean']['input'];
  /** Start of the range (with a zone). */
  start?: InputMaybe<Scalars['DateTime']['input']>;
};

/** Result of materialize. */
export type MaterializePayload = {
  __typename?: 'MaterializePayload';
  /** The started operation; null on errors. */
  operation?: Maybe<Materialization>;
  /** Why nothing was started, if so. */
  userErrors: Array<UserError>;
};

/** One value of a metric. */
export type Metric = {
  __typename?: 'Metric';
  /** Metric name. */
  key: Scalars['String']['output'];
  /** Training step the value was logged at (64-bit). */
  step: Scalars['Long']['output'];
  /** When the value was logged. */
  timestamp?: Maybe<Scalars['DateTime']['output']>;
  /** The value; null for NaN or infinity. */
  value?: Maybe<Scalars['Float']['output']>;
};

/** An alias and the version it points at. */
export type ModelAlias = {
  __typename?: 'ModelAlias';
  /** The alias, e.g. champion. */
  alias: Scalars['String']['output'];
  /** The version it points at. */
  version: Scalars['Int']['output'];
};

/** What a model takes and returns. */
export type ModelSignature = {
  __typename?: 'ModelSignature';
  /** Input columns, in the model's order. */
  inputs: Array<SignatureColumn>;
  /** Output columns. */
  outputs: Array<SignatureColumn>;
};

/** One version of a registered model. */
export type ModelVersion = Node & {
  __typename?: 'ModelVersion';
  /** Aliases pointing at this version. */
  aliases: Array<Scalars['String']['output']>;
  /** When it was registered. */
  creationTime?: Maybe<Scalars['DateTime']['output']>;
  /** Description of this version. */
  description: Scalars['String']['output'];
  /** How far the gold tables' newest data has drifted from what this version was trained on: the profile its training job recorded of each numeric feature it read (an artifact of its run) against at most 100,000 rows per table from the last `window` seconds of event time (up to the table's newest). Empty when no profile was recorded (a version not trained by an Asgard job). */
  featureDrift: Array<FeatureDrift>;
  /** The feature service its training job declared (what predict fetches when given entities alone); null when none was, or it has been deleted since. */
  featureService?: Maybe<FeatureService>;
  /** The features this version was trained on: the feature service its training job declared, else the features the training script retrieved through Feast, else the model's inputs matched by name with registered features (each reference says which). */
  features: Array<FeatureReference>;
  /** Opaque, stable id of this object across the API: the same on every replica and after restarts. Pass it to node(id:). */
  globalId: Scalars['ID']['output'];
  /** When it last changed. */
  lastUpdatedTime?: Maybe<Scalars['DateTime']['output']>;
  /** Name of the registered model. */
  model: Scalars['String']['output'];
  /** Id of the logged model it registers. */
  modelId?: Maybe<Scalars['String']['output']>;
  /** The run that produced this version. */
  run?: Maybe<Run>;
  /** Id of the run that produced it. */
  runId?: Maybe<Scalars['ID']['output']>;
  /** Input and output columns from the model's MLmodel file. */
  signature?: Maybe<ModelSignature>;
  /** READY, PENDING_REGISTRATION or FAILED_REGISTRATION. */
  status: Scalars['String']['output'];
  /** Tags of this version. */
  tags: Array<Tag>;
  /** Version number, from 1. */
  version: Scalars['Int']['output'];
};


/** One version of a registered model. */
export type ModelVersionFeatureDriftArgs = {
  psiThreshold?: Scalars['Float']['input'];
  window?: Scalars['Int']['input'];
};

/** A page of items: edges, where the page ends, and how many exist in all. */
export type ModelVersionConnection = {
  __typename?: 'ModelVersionConnection';
  /** The items of this page, in order. */
  edges: Array<ModelVersionEdge>;
  /** Where this page ends. */
  pageInfo: PageInfo;
  /** How many items match, across all pages; null where the backend cannot count cheaply. */
  totalCount?: Maybe<Scalars['Int']['output']>;
};

/** One item of a connection, with the cursor that points at it. */
export type ModelVersionEdge = {
  __typename?: 'ModelVersionEdge';
  /** Opaque position of this item. */
  cursor: Scalars['String']['output'];
  /** The item. */
  node: ModelVersion;
};

/** A change to a model version, as modelVersionChanged tells it. */
export type ModelVersionEvent = {
  __typename?: 'ModelVersionEvent';
  /** For ALIAS_MOVED and ALIAS_REMOVED: the alias. */
  alias?: Maybe<Scalars['String']['output']>;
  /** When the change was seen (within a poll of when it was made). */
  at: Scalars['DateTime']['output'];
  /** What happened. */
  kind: ModelVersionEventKind;
  /** The registered model's name. */
  model: Scalars['String']['output'];
  /** The version after the change; null once deleted. */
  modelVersion?: Maybe<ModelVersion>;
  /** For TAG_SET and TAG_DELETED: the tag's key. */
  tagKey?: Maybe<Scalars['String']['output']>;
  /** The version's number. */
  version: Scalars['Int']['output'];
};

/** What happened to a model version. */
export type ModelVersionEventKind =
  /** An alias now points at it (`alias`). */
  | 'ALIAS_MOVED'
  /** An alias no longer points at it (`alias`): moved elsewhere or deleted. */
  | 'ALIAS_REMOVED'
  /** The version was registered. */
  | 'CREATED'
  /** The version was deleted. */
  | 'DELETED'
  /** A tag was removed (`tagKey`). */
  | 'TAG_DELETED'
  /** A tag was set or changed (`tagKey`). */
  | 'TAG_SET'
  /** Its description or status changed. */
  | 'UPDATED';

/** Result of a model version mutation. */
export type ModelVersionPayload = {
  __typename?: 'ModelVersionPayload';
  /** The version; null on errors. */
  modelVersion?: Maybe<ModelVersion>;
  /** Problems with the input; nothing changed. */
  userErrors: Array<UserError>;
};

/** Change the platform: register features, manage experiments and models. */
export type Mutation = {
  __typename?: 'Mutation';
  /** Cancel a job: a queued one at once, a running one by stopping its whole process group. */
  cancelTrainingJob: TrainingJobPayload;
  /** Create an MLflow experiment. */
  createExperiment: ExperimentPayload;
  /** Group whole feature views, or chosen features of them, into a feature service. */
  createFeatureService: FeatureServicePayload;
  /** Delete a feature service. */
  deleteFeatureService: DeletePayload;
  /** Delete a feature view that no feature service uses. */
  deleteFeatureView: DeletePayload;
  /** Remove an alias from a registered model. */
  deleteModelAlias: DeletePayload;
  /** historicalFeatures' result written to a Parquet file to download, for results too large for JSON: the same input, checks and row cap; the file expires after ASGARD_EXPORT_TTL_SECONDS. */
  exportHistoricalFeatures: HistoricalExportPayload;
  /** Load online feature views into the online store, as a tracked background operation. */
  materialize: MaterializePayload;
  /** Predict with a registered model, fetching the entities' online features for it. */
  predict: PredictionPayload;
  /** Write feature rows now, checked against the view's schema first: to the online store (readable by onlineFeatures as soon as this returns), to the view's gold table as a new Iceberg snapshot, or both; all rows or none. */
  pushFeatures: PushFeaturesPayload;
  /** Register an entity explicitly, or update it. */
  registerEntity: RegisterEntityPayload;
  /** Register a feature view over a gold table, or update it; validated before any write. */
  registerFeatureView: RegisterFeatureViewPayload;
  /** Set a tag on an experiment. */
  setExperimentTag: ExperimentPayload;
  /** Point an alias of a registered model at a version (moving it if it exists). */
  setModelAlias: ModelVersionPayload;
  /** Set a tag on a model version. */
  setModelVersionTag: ModelVersionPayload;
  /** Queue a training script; it runs as a tracked job with its own MLflow run. */
  submitTrainingJob: SubmitTrainingJobPayload;
  /** Change a registered model's description. */
  updateRegisteredModel: RegisteredModelPayload;
};


/** Change the platform: register features, manage experiments and models. */
export type MutationCancelTrainingJobArgs = {
  id: Scalars['ID']['input'];
};


/** Change the platform: register features, manage experiments and models. */
export type MutationCreateExperimentArgs = {
  input: CreateExperimentInput;
};


/** Change the platform: register features, manage experiments and models. */
export type MutationCreateFeatureServiceArgs = {
  input: CreateFeatureServiceInput;
};


/** Change the platform: register features, manage experiments and models. */
export type MutationDeleteFeatureServiceArgs = {
  name: Scalars['String']['input'];
};


/** Change the platform: register features, manage experiments and models. */
export type MutationDeleteFeatureViewArgs = {
  name: Scalars['String']['input'];
};


/** Change the platform: register features, manage experiments and models. */
export type MutationDeleteModelAliasArgs = {
  alias?: InputMaybe<Scalars['String']['input']>;
  input?: InputMaybe<DeleteModelAliasInput>;
  model?: InputMaybe<Scalars['String']['input']>;
};


/** Change the platform: register features, manage experiments and models. */
export type MutationExportHistoricalFeaturesArgs = {
  input: HistoricalFeaturesInput;
};


/** Change the platform: register features, manage experiments and models. */
export type MutationMaterializeArgs = {
  input: MaterializeInput;
};


/** Change the platform: register features, manage experiments and models. */
export type MutationPredictArgs = {
  input: PredictInput;
};


/** Change the platform: register features, manage experiments and models. */
export type MutationPushFeaturesArgs = {
  input: PushFeaturesInput;
};


/** Change the platform: register features, manage experiments and models. */
export type MutationRegisterEntityArgs = {
  input: RegisterEntityInput;
};


/** Change the platform: register features, manage experiments and models. */
export type MutationRegisterFeatureViewArgs = {
  input: RegisterFeatureViewInput;
};


/** Change the platform: register features, manage experiments and models. */
export type MutationSetExperimentTagArgs = {
  input: SetExperimentTagInput;
};


/** Change the platform: register features, manage experiments and models. */
export type MutationSetModelAliasArgs = {
  input: SetModelAliasInput;
};


/** Change the platform: register features, manage experiments and models. */
export type MutationSetModelVersionTagArgs = {
  input: SetModelVersionTagInput;
};


/** Change the platform: register features, manage experiments and models. */
export type MutationSubmitTrainingJobArgs = {
  input: SubmitTrainingJobInput;
};


/** Change the platform: register features, manage experiments and models. */
export type MutationUpdateRegisteredModelArgs = {
  input: UpdateRegisteredModelInput;
};

/** An object a page can link to and fetch again by its global id, with node(id:) or nodes(ids:) (Relay's object identification, its id field named globalId: Relay's compiler takes it with nodeInterfaceIdField: "globalId"). The objects' own ids and names keep their meaning beside it. */
export type Node = {
  /** Opaque, stable id of this object across the API: the same on every replica and after restarts. Pass it to node(id:). */
  globalId: Scalars['ID']['output'];
};

/** Which online features to read, for which entities. */
export type OnlineFeaturesInput = {
  /** Entity keys as columns {"customer_id": [1, 2]} or rows [{"customer_id": 1}]. */
  entities: Scalars['JSON']['input'];
  /** A feature service to read. */
  featureService?: InputMaybe<Scalars['String']['input']>;
  /** Feature references "view:feature"; or give featureService. */
  features?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Name columns "view__feature" instead of "feature". */
  fullFeatureNames?: Scalars['Boolean']['input'];
};

/** Where a page of a connection starts and ends and whether more follow (Relay's PageInfo). Pages go forward: first and after. */
export type PageInfo = {
  __typename?: 'PageInfo';
  /** Cursor of the last edge; pass it as `after` to get the next page. */
  endCursor?: Maybe<Scalars['String']['output']>;
  /** True when another page follows this one. */
  hasNextPage: Scalars['Boolean']['output'];
  /** True when this page was asked for after a cursor (items come before it); false for a first page. Pages go forward only, so `last`/`before` are not offered. */
  hasPreviousPage: Scalars['Boolean']['output'];
  /** Cursor of the first edge; null for an empty page. */
  startCursor?: Maybe<Scalars['String']['output']>;
};

/** A run's parameter. */
export type Param = {
  __typename?: 'Param';
  /** Parameter name. */
  key: Scalars['String']['output'];
  /** Parameter value, as MLflow stores it (a string). */
  value: Scalars['String']['output'];
};

/** Which backends answer, and how much each holds. */
export type PlatformStatus = {
  __typename?: 'PlatformStatus';
  /** Active (not deleted) MLflow experiments; null if MLflow is down. */
  activeExperiments?: Maybe<Scalars['Int']['output']>;
  /** The Iceberg gold catalog answered. */
  catalogAvailable: Scalars['Boolean']['output'];
  /** Registered entities; null if Feast is down. */
  entities?: Maybe<Scalars['Int']['output']>;
  /** The Feast registry answered. */
  feastAvailable: Scalars['Boolean']['output'];
  /** Registered feature services; null if Feast is down. */
  featureServices?: Maybe<Scalars['Int']['output']>;
  /** Registered feature views; null if Feast is down. */
  featureViews?: Maybe<Scalars['Int']['output']>;
  /** Tables in the gold catalog; null if it is down. */
  goldTables?: Maybe<Scalars['Int']['output']>;
  /** The MLflow tracking store answered. */
  mlflowAvailable: Scalars['Boolean']['output'];
  /** Registered models in MLflow; null if MLflow is down. */
  registeredModels?: Maybe<Scalars['Int']['output']>;
  /** Feature views that are stale (see Freshness.stale), by name; empty if Feast is down. One manifest read per source table and snapshot, whatever the number of views. */
  staleFeatureViews: Array<FeatureView>;
  /** When this status was taken. */
  timestamp: Scalars['DateTime']['output'];
  /** Version of the Asgard server. */
  version: Scalars['String']['output'];
};

/** What to predict with, and for whom. */
export type PredictInput = {
  /** Model alias, e.g. champion. */
  alias?: InputMaybe<Scalars['String']['input']>;
  /** Entity keys (columns or rows) to fetch online features for. */
  entities?: InputMaybe<Scalars['JSON']['input']>;
  /** Feature service to fetch. */
  featureService?: InputMaybe<Scalars['String']['input']>;
  /** Features to fetch ("view:feature"); default: what the model was trained on. */
  features?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Registered model name. */
  model: Scalars['String']['input'];
  /** Feature values given directly (columns or rows), instead of or besides entities. */
  rows?: InputMaybe<Scalars['JSON']['input']>;
  /** Model version; latest when neither is given. */
  version?: InputMaybe<Scalars['Int']['input']>;
};

/** Result of predict. */
export type PredictionPayload = {
  __typename?: 'PredictionPayload';
  /** Model inputs that were missing (not found online) for at least one row. */
  missingFeatures?: Maybe<Array<Scalars['String']['output']>>;
  /** The model version that predicted. */
  modelVersion?: Maybe<ModelVersion>;
  /** One prediction per entity row; null for a row whose features were not all found. */
  predictions?: Maybe<Scalars['JSON']['output']>;
  /** Why nothing was predicted, if so. */
  userErrors: Array<UserError>;
};

/** Feature rows to write now, without a materialization: e.g. events a stream just computed. */
export type PushFeaturesInput = {
  /** The feature view the rows belong to. */
  featureView: Scalars['String']['input'];
  /** The rows, as objects ([{"customer_id": 1, "total_spend": 12.5, ...}]) or as columns ({"customer_id": [1, 2], ...}): every join key and feature of the view (null for no value, where the table's column allows it), and optionally the event time (the view's timestamp field; default: now) and created time. Values as the API answers them: ISO-8601 times with a zone, base64 bytes. An offline push may also give the table's columns the view does not carry, and must give those the table requires. At most ASGARD_MAX_ONLINE_ROWS rows. */
  rows: Scalars['JSON']['input'];
  /** Where the rows are written (null: ONLINE). */
  to?: InputMaybe<PushTarget>;
};

/** Result of pushFeatures: every row written, or none (then `userErrors` says why). */
export type PushFeaturesPayload = {
  __typename?: 'PushFeaturesPayload';
  /** Rows written: every row for a push that went offline (all are appended), else the rows the online store took (the others are `staleRows`); null when refused. */
  rowsWritten?: Maybe<Scalars['Int']['output']>;
  /** The gold table's new Iceberg snapshot, for a push that went offline. */
  snapshotId?: Maybe<Scalars['String']['output']>;
  /** Rows the online store did not take: it keeps, per entity, the values of the newest event time. A row not newer than what the store holds (to the microsecond, on SQLite as on Redis; the same instant keeps the stored value), or than a later row of the push for the same entity, is left out online (offline every row is appended). Null for an OFFLINE push. */
  staleRows?: Maybe<Scalars['Int']['output']>;
  /** Where they were written. */
  to?: Maybe<PushTarget>;
  /** Why nothing was written: each with the row and column it concerns (rows.<i>.<column>, or rows.<column>.<i> for columns), at most 50. */
  userErrors: Array<UserError>;
};

/** Where pushed feature rows are written. */
export type PushTarget =
  /** The view's gold table only, appended as one new Iceberg snapshot (historical reads, training and later materializations see them). */
  | 'OFFLINE'
  /** The online store only: onlineFeatures and predict read the rows at once. */
  | 'ONLINE'
  /** Both; if the online write fails, the appended snapshot is undone. */
  | 'ONLINE_AND_OFFLINE';

/** Read the platform: status, gold layer, feature registry, experiments and models. */
export type Query = {
  __typename?: 'Query';
  /** All registered entities, by name. */
  entities: Array<Entity>;
  /** One entity by name; null if absent. */
  entity?: Maybe<Entity>;
  /** One experiment by id or by name; null if absent. */
  experiment?: Maybe<Experiment>;
  /** MLflow experiments, filtered and ordered with MLflow's syntax, paged. */
  experiments: ExperimentConnection;
  /** One feature service by name; null if absent. */
  featureService?: Maybe<FeatureService>;
  /** All feature services, by name. */
  featureServices: Array<FeatureService>;
  /** Which registry, offline and online store Feast uses, and what they hold. */
  featureStore: FeatureStoreStatus;
  /** One feature view by name; null if absent. */
  featureView?: Maybe<FeatureView>;
  /** Feature views by name, filtered and paged (first: default 20, at most 100). */
  featureViews: FeatureViewConnection;
  /** One gold table by qualified name ("gold.customer_aggregates"); null if absent. */
  goldTable?: Maybe<GoldTable>;
  /** Tables of the Iceberg gold layer, optionally of one namespace. */
  goldTables: Array<GoldTable>;
  /** Point-in-time correct feature values from the gold layer, for entities at given times. */
  historicalFeatures: FeatureTable;
  /** The graph around a gold table, entity, feature view, feature service or model version: the objects within `depth` edges either way (at most 500) and the typed edges between them. */
  lineage: LineageGraph;
  /** One materialization by id; null if absent. */
  materialization?: Maybe<Materialization>;
  /** One version of a registered model, by number or alias; null if absent. */
  modelVersion?: Maybe<ModelVersion>;
  /** Any object a page links to, by its globalId (Relay's node field); null if it no longer exists. A malformed id, or one of an unknown kind, is BAD_USER_INPUT. */
  node?: Maybe<Node>;
  /** Objects by their globalIds, in the order given (null where one no longer exists); at most 100 ids, every one checked before any is fetched. */
  nodes: Array<Maybe<Node>>;
  /** Latest feature values from the online store, with per-value status and event time. */
  onlineFeatures: FeatureTable;
  /** Whether Feast, MLflow and the gold catalog answer, with counts and version. */
  platformStatus: PlatformStatus;
  /** One registered model by name; null if absent. */
  registeredModel?: Maybe<RegisteredModel>;
  /** Registered models, filtered and paged. */
  registeredModels: RegisteredModelConnection;
  /** One run by id; null if absent. */
  run?: Maybe<Run>;
  /** MLflow runs of some or all experiments, filtered, ordered, paged. */
  runs: RunConnection;
  /** One training job; null if absent. */
  trainingJob?: Maybe<TrainingJob>;
  /** Training jobs, newest first, filtered by state, experiment or model, paged. */
  trainingJobs: TrainingJobConnection;
  /** Who is calling: the token's name and role. */
  viewer: Viewer;
};


/** Read the platform: status, gold layer, feature registry, experiments and models. */
export type QueryEntityArgs = {
  name: Scalars['String']['input'];
};


/** Read the platform: status, gold layer, feature registry, experiments and models. */
export type QueryExperimentArgs = {
  id?: InputMaybe<Scalars['ID']['input']>;
  name?: InputMaybe<Scalars['String']['input']>;
};


/** Read the platform: status, gold layer, feature registry, experiments and models. */
export type QueryExperimentsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  orderBy?: InputMaybe<Array<Scalars['String']['input']>>;
  view?: LifecycleView;
};


/** Read the platform: status, gold layer, feature registry, experiments and models. */
export type QueryFeatureServiceArgs = {
  name: Scalars['String']['input'];
};


/** Read the platform: status, gold layer, feature registry, experiments and models. */
export type QueryFeatureViewArgs = {
  name: Scalars['String']['input'];
};


/** Read the platform: status, gold layer, feature registry, experiments and models. */
export type QueryFeatureViewsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<FeatureViewFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** Read the platform: status, gold layer, feature registry, experiments and models. */
export type QueryGoldTableArgs = {
  name: Scalars['String']['input'];
};


/** Read the platform: status, gold layer, feature registry, experiments and models. */
export type QueryGoldTablesArgs = {
  namespace?: InputMaybe<Scalars['String']['input']>;
};


/** Read the platform: status, gold layer, feature registry, experiments and models. */
export type QueryHistoricalFeaturesArgs = {
  input: HistoricalFeaturesInput;
};


/** Read the platform: status, gold layer, feature registry, experiments and models. */
export type QueryLineageArgs = {
  depth?: Scalars['Int']['input'];
  of: LineageTarget;
};


/** Read the platform: status, gold layer, feature registry, experiments and models. */
export type QueryMaterializationArgs = {
  id: Scalars['ID']['input'];
};


/** Read the platform: status, gold layer, feature registry, experiments and models. */
export type QueryModelVersionArgs = {
  alias?: InputMaybe<Scalars['String']['input']>;
  model: Scalars['String']['input'];
  version?: InputMaybe<Scalars['Int']['input']>;
};


/** Read the platform: status, gold layer, feature registry, experiments and models. */
export type QueryNodeArgs = {
  id: Scalars['ID']['input'];
};


/** Read the platform: status, gold layer, feature registry, experiments and models. */
export type QueryNodesArgs = {
  ids: Array<Scalars['ID']['input']>;
};


/** Read the platform: status, gold layer, feature registry, experiments and models. */
export type QueryOnlineFeaturesArgs = {
  input: OnlineFeaturesInput;
};


/** Read the platform: status, gold layer, feature registry, experiments and models. */
export type QueryRegisteredModelArgs = {
  name: Scalars['String']['input'];
};


/** Read the platform: status, gold layer, feature registry, experiments and models. */
export type QueryRegisteredModelsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  orderBy?: InputMaybe<Array<Scalars['String']['input']>>;
};


/** Read the platform: status, gold layer, feature registry, experiments and models. */
export type QueryRunArgs = {
  id: Scalars['ID']['input'];
};


/** Read the platform: status, gold layer, feature registry, experiments and models. */
export type QueryRunsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  experimentIds?: InputMaybe<Array<Scalars['ID']['input']>>;
  filter?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  orderBy?: InputMaybe<Array<Scalars['String']['input']>>;
  view?: LifecycleView;
};


/** Read the platform: status, gold layer, feature registry, experiments and models. */
export type QueryTrainingJobArgs = {
  id: Scalars['ID']['input'];
};


/** Read the platform: status, gold layer, feature registry, experiments and models. */
export type QueryTrainingJobsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<TrainingJobFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  status?: InputMaybe<Array<JobStatus>>;
};

/** An entity to register, or to update when the name exists. */
export type RegisterEntityInput = {
  /** What the entity is. */
  description?: InputMaybe<Scalars['String']['input']>;
  /** Column identifying it in source tables; defaults to the name. */
  joinKey?: InputMaybe<Scalars['String']['input']>;
  /** Unique name of the entity. */
  name: Scalars['String']['input'];
  /** Who owns the entity. */
  owner?: InputMaybe<Scalars['String']['input']>;
  /** Labels to attach. */
  tags?: InputMaybe<Array<TagInput>>;
  /** Type of the join key; taken from the table when a view uses it. */
  valueType?: InputMaybe<FeatureDtype>;
};

/** Result of registerEntity. */
export type RegisterEntityPayload = {
  __typename?: 'RegisterEntityPayload';
  /** CREATED, UPDATED or UNCHANGED; null when userErrors is not empty. */
  change?: Maybe<RegistrationChange>;
  /** The entity as registered; null on errors. */
  entity?: Maybe<Entity>;
  /** Problems with the input; nothing was written. */
  userErrors: Array<UserError>;
};

/** A feature view to register, or to update when the name exists. */
export type RegisterFeatureViewInput = {
  /** What the view holds. */
  description?: InputMaybe<Scalars['String']['input']>;
  /** Join keys (or names of registered entities), e.g. ["customer_id"]. */
  entities: Array<Scalars['String']['input']>;
  /** Features, in the order to keep. */
  features: Array<FeatureInput>;
  /** Unique name: letters, digits, underscores. */
  name: Scalars['String']['input'];
  /** Serve the view from the online store. */
  online?: Scalars['Boolean']['input'];
  /** Who owns the view. */
  owner?: InputMaybe<Scalars['String']['input']>;
  /** The gold table to read. */
  source: SourceTableInput;
  /** Labels to attach. */
  tags?: InputMaybe<Array<TagInput>>;
  /** How long a value stays valid; null or 0 means no expiry. */
  ttlSeconds?: InputMaybe<Scalars['Int']['input']>;
};

/** Result of registerFeatureView. */
export type RegisterFeatureViewPayload = {
  __typename?: 'RegisterFeatureViewPayload';
  /** CREATED, UPDATED or UNCHANGED; null when userErrors is not empty. */
  change?: Maybe<RegistrationChange>;
  /** The view as registered; null on errors. */
  featureView?: Maybe<FeatureView>;
  /** Problems with the input; nothing was written. */
  userErrors: Array<UserError>;
};

/** A registered model: a name with numbered versions and aliases. */
export type RegisteredModel = Node & {
  __typename?: 'RegisteredModel';
  /** Aliases and the versions they point at. */
  aliases: Array<ModelAlias>;
  /** When it was registered. */
  creationTime?: Maybe<Scalars['DateTime']['output']>;
  /** Description of the model. */
  description: Scalars['String']['output'];
  /** Opaque, stable id of this object across the API: the same on every replica and after restarts. Pass it to node(id:). */
  globalId: Scalars['ID']['output'];
  /** When it last changed. */
  lastUpdatedTime?: Maybe<Scalars['DateTime']['output']>;
  /** The highest version number; null when there is none. */
  latestVersion?: Maybe<ModelVersion>;
  /** Unique model name. */
  name: Scalars['String']['output'];
  /** Tags of the model. */
  tags: Array<Tag>;
  /** Versions, newest first. */
  versions: ModelVersionConnection;
};


/** A registered model: a name with numbered versions and aliases. */
export type RegisteredModelVersionsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

/** A page of items: edges, where the page ends, and how many exist in all. */
export type RegisteredModelConnection = {
  __typename?: 'RegisteredModelConnection';
  /** The items of this page, in order. */
  edges: Array<RegisteredModelEdge>;
  /** Where this page ends. */
  pageInfo: PageInfo;
  /** How many items match, across all pages; null where the backend cannot count cheaply. */
  totalCount?: Maybe<Scalars['Int']['output']>;
};

/** One item of a connection, with the cursor that points at it. */
export type RegisteredModelEdge = {
  __typename?: 'RegisteredModelEdge';
  /** Opaque position of this item. */
  cursor: Scalars['String']['output'];
  /** The item. */
  node: RegisteredModel;
};

/** Result of a registered model mutation. */
export type RegisteredModelPayload = {
  __typename?: 'RegisteredModelPayload';
  /** The model; null on errors. */
  registeredModel?: Maybe<RegisteredModel>;
  /** Problems with the input; nothing changed. */
  userErrors: Array<UserError>;
};

/** What a registration did to the registry. */
export type RegistrationChange =
  /** The object did not exist and was created. */
  | 'CREATED'
  /** The object existed with the same definition: nothing was written. */
  | 'UNCHANGED'
  /** The object existed with another definition, which was replaced. */
  | 'UPDATED';

/** What a token may do; each role includes those before it. */
export type Role =
  /** Everything. */
  | 'ADMIN'
  /** Also the feature registry, materialize, predict, experiments and model aliases and tags. */
  | 'EDITOR'
  /** Queries and subscriptions. */
  | 'READER'
  /** Also submit training jobs (and cancel one's own), and read jobs' scripts and output. */
  | 'TRAINER';

/** An MLflow run: one execution of training code, with what it logged. */
export type Run = Node & {
  __typename?: 'Run';
  /** Artifacts directly under `path` (the artifact root by default). */
  artifacts: Array<Artifact>;
  /** Datasets the run logged as inputs. */
  datasets: Array<RunDataset>;
  /** When the run ended; null while running. */
  endTime?: Maybe<Scalars['DateTime']['output']>;
  /** The experiment the run belongs to. */
  experiment?: Maybe<Experiment>;
  /** Id of the run's experiment. */
  experimentId: Scalars['ID']['output'];
  /** The features the run trained on: the feature service its job declared, else the features its script retrieved through Feast (feast.feature_refs, recorded by Asgard's jobs or Feast's MLflow integration). */
  features: Array<FeatureReference>;
  /** Opaque, stable id of this object across the API: the same on every replica and after restarts. Pass it to node(id:). */
  globalId: Scalars['ID']['output'];
  /** Run id. */
  id: Scalars['ID']['output'];
  /** active or deleted. */
  lifecycleStage: Scalars['String']['output'];
  /** Models the run logged. */
  loggedModels: Array<LoggedModel>;
  /** Every logged value of one metric, by step. */
  metricHistory: Array<Metric>;
  /** Latest value of each metric, by name. */
  metrics: Array<Metric>;
  /** Registered model versions created from this run. */
  modelVersions: Array<ModelVersion>;
  /** Run name. */
  name: Scalars['String']['output'];
  /** Parameters, by name. */
  params: Array<Param>;
  /** When the run started. */
  startTime?: Maybe<Scalars['DateTime']['output']>;
  /** RUNNING, SCHEDULED, FINISHED, FAILED or KILLED. */
  status: Scalars['String']['output'];
  /** Tags, including MLflow's own mlflow.* tags. */
  tags: Array<Tag>;
  /** Who started the run. */
  userId: Scalars['String']['output'];
};


/** An MLflow run: one execution of training code, with what it logged. */
export type RunArtifactsArgs = {
  path?: InputMaybe<Scalars['String']['input']>;
};


/** An MLflow run: one execution of training code, with what it logged. */
export type RunMetricHistoryArgs = {
  key: Scalars['String']['input'];
};

/** A page of items: edges, where the page ends, and how many exist in all. */
export type RunConnection = {
  __typename?: 'RunConnection';
  /** The items of this page, in order. */
  edges: Array<RunEdge>;
  /** Where this page ends. */
  pageInfo: PageInfo;
  /** How many items match, across all pages; null where the backend cannot count cheaply. */
  totalCount?: Maybe<Scalars['Int']['output']>;
};

/** A dataset a run used. */
export type RunDataset = {
  __typename?: 'RunDataset';
  /** How the run used it: training, evaluation... */
  context?: Maybe<Scalars['String']['output']>;
  /** Digest identifying the dataset's content. */
  digest: Scalars['String']['output'];
  /** Dataset name. */
  name: Scalars['String']['output'];
  /** Kind of source, e.g. local, http, delta. */
  sourceType: Scalars['String']['output'];
};

/** One item of a connection, with the cursor that points at it. */
export type RunEdge = {
  __typename?: 'RunEdge';
  /** Opaque position of this item. */
  cursor: Scalars['String']['output'];
  /** The item. */
  node: Run;
};

/** A tag to set on an experiment. */
export type SetExperimentTagInput = {
  /** Id of the experiment. */
  experimentId: Scalars['ID']['input'];
  /** Tag key. */
  key: Scalars['String']['input'];
  /** Tag value. */
  value: Scalars['String']['input'];
};

/** Point an alias of a registered model at a version. */
export type SetModelAliasInput = {
  /** Alias: letters, digits, _ or -; not 'latest', not v<number>. */
  alias: Scalars['String']['input'];
  /** Name of the registered model. */
  model: Scalars['String']['input'];
  /** Version the alias should point at. */
  version: Scalars['Int']['input'];
};

/** A tag to set on a model version. */
export type SetModelVersionTagInput = {
  /** Tag key. */
  key: Scalars['String']['input'];
  /** Name of the registered model. */
  model: Scalars['String']['input'];
  /** Tag value. */
  value: Scalars['String']['input'];
  /** Version number. */
  version: Scalars['Int']['input'];
};

/** An input or output column of a model signature. */
export type SignatureColumn = {
  __typename?: 'SignatureColumn';
  /** Column name; null for unnamed tensors. */
  name?: Maybe<Scalars['String']['output']>;
  /** Whether the model needs the column. */
  required: Scalars['Boolean']['output'];
  /** MLflow type: long, double, string, tensor<float32>... */
  type: Scalars['String']['output'];
};

/** The gold table a feature view reads. */
export type SourceTableInput = {
  /** Gold catalog name; when given it must be the configured one. */
  catalog?: InputMaybe<Scalars['String']['input']>;
  /** Column that breaks ties between rows with the same event time. */
  createdTimestampField?: InputMaybe<Scalars['String']['input']>;
  /** Qualified gold table, e.g. "gold.customer_aggregates". */
  table: Scalars['String']['input'];
  /** Column holding each row's event time. */
  timestampField: Scalars['String']['input'];
};

/** A training script to run as a job. */
export type SubmitTrainingJobInput = {
  /** MLflow experiment for the job's run (created if missing). */
  experimentName: Scalars['String']['input'];
  /** Feature service the script will use, recorded for lineage. */
  featureService?: InputMaybe<Scalars['String']['input']>;
  /** Register the model the run logs as a new version of this model. */
  modelName?: InputMaybe<Scalars['String']['input']>;
  /** Any JSON, given in ASGARD_PARAMS. */
  parameters?: InputMaybe<Scalars['JSON']['input']>;
  /** PEP 508 requirements; those the server lacks go into a cached virtualenv. */
  requirements?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Requeue this often if the worker dies (0-5). */
  retries?: Scalars['Int']['input'];
  /** The script's text (or use scriptBase64). */
  script?: InputMaybe<Scalars['String']['input']>;
  /** The script, base64-encoded UTF-8. */
  scriptBase64?: InputMaybe<Scalars['String']['input']>;
  /** File name to run the script under, ending in .py. */
  scriptName: Scalars['String']['input'];
  /** Stop the script after this many seconds (server default when null). */
  timeoutSeconds?: InputMaybe<Scalars['Int']['input']>;
};

/** Result of submitTrainingJob. */
export type SubmitTrainingJobPayload = {
  __typename?: 'SubmitTrainingJobPayload';
  /** The queued job; null on errors. */
  job?: Maybe<TrainingJob>;
  /** Problems with the input; nothing was queued. */
  userErrors: Array<UserError>;
};

/** Follow long-running work as it happens. */
export type Subscription = {
  __typename?: 'Subscription';
  /** Feature views registered, updated, deleted or materialized from now on: this replica's changes at once, other replicas' within ASGARD_CHANGE_POLL_SECONDS. */
  featureViewChanged: FeatureViewEvent;
  /** Model versions created, aliases moved, tags set (and more, see the kinds) from now on: changes made through this replica at once, others (other replicas, MLflow's own clients) within ASGARD_CHANGE_POLL_SECONDS. */
  modelVersionChanged: ModelVersionEvent;
  /** The job now, then every state change until it ends. */
  trainingJob: TrainingJob;
  /** The job's log lines from fromLine on, as they are written, until the job ends. */
  trainingJobLogs: LogLine;
};


/** Follow long-running work as it happens. */
export type SubscriptionFeatureViewChangedArgs = {
  names?: InputMaybe<Array<Scalars['String']['input']>>;
};


/** Follow long-running work as it happens. */
export type SubscriptionModelVersionChangedArgs = {
  model?: InputMaybe<Scalars['String']['input']>;
};


/** Follow long-running work as it happens. */
export type SubscriptionTrainingJobArgs = {
  id: Scalars['ID']['input'];
};


/** Follow long-running work as it happens. */
export type SubscriptionTrainingJobLogsArgs = {
  fromLine?: Scalars['Int']['input'];
  id: Scalars['ID']['input'];
};

/** A key/value label attached to a registry object. */
export type Tag = {
  __typename?: 'Tag';
  /** The tag's key. */
  key: Scalars['String']['output'];
  /** The tag's value. */
  value: Scalars['String']['output'];
};

/** A key/value label to attach to a registry object. */
export type TagInput = {
  /** The tag's key: 1-128 letters, digits or _ . - /. */
  key: Scalars['String']['input'];
  /** The tag's value, at most 1024 characters. */
  value: Scalars['String']['input'];
};

/** A training script run as a tracked job. */
export type TrainingJob = Node & {
  __typename?: 'TrainingJob';
  /** How often a worker has started it. */
  attempts: Scalars['Int']['output'];
  /** Why the job did not succeed: the end of stderr, pip's message... (its submitter, trainers and admins only). */
  error?: Maybe<Scalars['String']['output']>;
  /** The script's exit code, once it ended. */
  exitCode?: Maybe<Scalars['Int']['output']>;
  /** MLflow experiment the job's run belongs to. */
  experimentName: Scalars['String']['output'];
  /** Feature service the script uses (lineage). */
  featureService?: Maybe<Scalars['String']['output']>;
  /** When it ended. */
  finishedAt?: Maybe<Scalars['DateTime']['output']>;
  /** Opaque, stable id of this object across the API: the same on every replica and after restarts. Pass it to node(id:). */
  globalId: Scalars['ID']['output'];
  /** Job id. */
  id: Scalars['ID']['output'];
  /** Log lines from `fromLine` on, readable while the job runs (its submitter, trainers, admins). */
  logs?: Maybe<Array<LogLine>>;
  /** Registered model the run's model becomes a version of. */
  modelName?: Maybe<Scalars['String']['output']>;
  /** The model version the job registered, if any. */
  modelVersion?: Maybe<ModelVersion>;
  /** Parameters given to the script in ASGARD_PARAMS (trainer and admin only). */
  parameters?: Maybe<Scalars['JSON']['output']>;
  /** PEP 508 requirements the script needs (its submitter, trainers and admins only). */
  requirements?: Maybe<Array<Scalars['String']['output']>>;
  /** How often the job is requeued when its worker dies. */
  retries: Scalars['Int']['output'];
  /** The job's MLflow run (created before the script starts). */
  run?: Maybe<Run>;
  /** Id of the job's MLflow run. */
  runId?: Maybe<Scalars['ID']['output']>;
  /** The script's text (trainer and admin only). */
  script?: Maybe<Scalars['String']['output']>;
  /** File name the script runs under. */
  scriptName: Scalars['String']['output'];
  /** SHA-256 of the script's text. */
  scriptSha256: Scalars['String']['output'];
  /** When a worker took it. */
  startedAt?: Maybe<Scalars['DateTime']['output']>;
  /** QUEUED, PREPARING, RUNNING, or how it ended. */
  status: JobStatus;
  /** When it was submitted. */
  submittedAt: Scalars['DateTime']['output'];
  /** Name of the token that submitted it ("local" without tokens); null for older jobs. */
  submittedBy?: Maybe<Scalars['String']['output']>;
  /** Seconds the script may run before it is stopped. */
  timeoutSeconds: Scalars['Int']['output'];
  /** Something worth knowing about a job that succeeded. */
  warning?: Maybe<Scalars['String']['output']>;
  /** The server process (host:pid:tag) that ran it. */
  workerId?: Maybe<Scalars['String']['output']>;
};


/** A training script run as a tracked job. */
export type TrainingJobLogsArgs = {
  fromLine?: Scalars['Int']['input'];
  limit?: Scalars['Int']['input'];
};

/** A page of items: edges, where the page ends, and how many exist in all. */
export type TrainingJobConnection = {
  __typename?: 'TrainingJobConnection';
  /** The items of this page, in order. */
  edges: Array<TrainingJobEdge>;
  /** Where this page ends. */
  pageInfo: PageInfo;
  /** How many items match, across all pages; null where the backend cannot count cheaply. */
  totalCount?: Maybe<Scalars['Int']['output']>;
};

/** One item of a connection, with the cursor that points at it. */
export type TrainingJobEdge = {
  __typename?: 'TrainingJobEdge';
  /** Opaque position of this item. */
  cursor: Scalars['String']['output'];
  /** The item. */
  node: TrainingJob;
};

/** Narrows a list of training jobs; all given conditions must hold. */
export type TrainingJobFilter = {
  /** Jobs of this experiment. */
  experimentName?: InputMaybe<Scalars['String']['input']>;
  /** Jobs that register this model. */
  modelName?: InputMaybe<Scalars['String']['input']>;
  /** Any of these states. */
  status?: InputMaybe<Array<JobStatus>>;
};

/** Result of a mutation on a training job. */
export type TrainingJobPayload = {
  __typename?: 'TrainingJobPayload';
  /** The job as it is now; null on errors. */
  job?: Maybe<TrainingJob>;
  /** Why nothing changed, if so. */
  userErrors: Array<UserError>;
};

/** New attributes of a registered model. */
export type UpdateRegisteredModelInput = {
  /** The new description. */
  description: Scalars['String']['input'];
  /** Name of the registered model. */
  name: Scalars['String']['input'];
};

/** A problem with a mutation's input that the caller can fix. */
export type UserError = {
  __typename?: 'UserError';
  /** What is wrong, for a program to branch on. */
  code: ErrorCode;
  /** Path inside the mutation's input, list indexes as strings: ["features", "1", "dtype"]. */
  field?: Maybe<Array<Scalars['String']['output']>>;
  /** What is wrong, for a person to read. */
  message: Scalars['String']['output'];
};

/** A value and how often it occurs. */
export type ValueCount = {
  __typename?: 'ValueCount';
  /** How many rows hold it. */
  count: Scalars['Long']['output'];
  /** The value, as JSON. */
  value: Scalars['JSON']['output'];
};

/** The caller of this request. */
export type Viewer = {
  __typename?: 'Viewer';
  /** Whether the caller presented a token. */
  authenticated: Scalars['Boolean']['output'];
  /** Name of the caller's token ('local' when no tokens exist). */
  name: Scalars['String']['output'];
  /** The caller's role: READER, EDITOR, TRAINER or ADMIN. */
  role: Role;
};

export type CreateFeatureServiceMutationVariables = Exact<{
  input: CreateFeatureServiceInput;
}>;


export type CreateFeatureServiceMutation = { __typename?: 'Mutation', createFeatureService: { __typename?: 'FeatureServicePayload', change?: RegistrationChange | null, featureService?: { __typename?: 'FeatureService', name: string, description: string, owner: string, createdAt?: string | null, tags: Array<{ __typename?: 'Tag', key: string, value: string }>, featureViews: Array<{ __typename?: 'FeatureViewProjection', name: string, featureNames: Array<string>, features: Array<{ __typename?: 'Feature', name: string, dtype?: FeatureDtype | null }> }> } | null, userErrors: Array<{ __typename?: 'UserError', field?: Array<string> | null, message: string, code: ErrorCode }> } };

export type RegisterFeatureViewMutationVariables = Exact<{
  input: RegisterFeatureViewInput;
}>;


export type RegisterFeatureViewMutation = { __typename?: 'Mutation', registerFeatureView: { __typename?: 'RegisterFeatureViewPayload', change?: RegistrationChange | null, featureView?: { __typename?: 'FeatureView', globalId: string, name: string, description: string, ttlSeconds?: number | null, online: boolean, owner: string, createdAt?: string | null, updatedAt?: string | null, entities: Array<{ __typename?: 'Entity', name: string, joinKey: string, valueType?: FeatureDtype | null }>, features: Array<{ __typename?: 'Feature', name: string, dtype?: FeatureDtype | null, description: string }>, source: { __typename?: 'FeatureSource', table: string, timestampField: string, createdTimestampField?: string | null, catalog?: string | null }, tags: Array<{ __typename?: 'Tag', key: string, value: string }>, materializationIntervals: Array<{ __typename?: 'MaterializationInterval', start: string, end: string }> } | null, userErrors: Array<{ __typename?: 'UserError', field?: Array<string> | null, message: string, code: ErrorCode }> } };

export type FeatureViewsQueryVariables = Exact<{
  filter?: InputMaybe<FeatureViewFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type FeatureViewsQuery = { __typename?: 'Query', featureViews: { __typename?: 'FeatureViewConnection', totalCount?: number | null, pageInfo: { __typename?: 'PageInfo', startCursor?: string | null, endCursor?: string | null, hasNextPage: boolean, hasPreviousPage: boolean }, edges: Array<{ __typename?: 'FeatureViewEdge', cursor: string, node: { __typename?: 'FeatureView', globalId: string, name: string, description: string, ttlSeconds?: number | null, online: boolean, owner: string, createdAt?: string | null, updatedAt?: string | null, entities: Array<{ __typename?: 'Entity', name: string, joinKey: string, valueType?: FeatureDtype | null }>, features: Array<{ __typename?: 'Feature', name: string, dtype?: FeatureDtype | null, description: string }>, source: { __typename?: 'FeatureSource', table: string, timestampField: string, createdTimestampField?: string | null, catalog?: string | null }, tags: Array<{ __typename?: 'Tag', key: string, value: string }>, materializationIntervals: Array<{ __typename?: 'MaterializationInterval', start: string, end: string }> } }> } };

export type FeatureViewFreshnessQueryVariables = Exact<{
  name: Scalars['String']['input'];
}>;


export type FeatureViewFreshnessQuery = { __typename?: 'Query', featureView?: { __typename?: 'FeatureView', name: string, freshness?: { __typename?: 'Freshness', latestEventTime?: string | null, lastMaterializedAt?: string | null, materializedUpTo?: string | null, lagSeconds?: number | null, withinTtl?: boolean | null, stale: boolean } | null, features: Array<{ __typename?: 'Feature', name: string, stats?: { __typename?: 'ColumnStats', snapshotId?: string | null, valueCount?: number | null, nullCount?: number | null, lowerBound?: unknown | null, upperBound?: unknown | null } | null }> } | null };

export type StaleFeatureViewsQueryVariables = Exact<{ [key: string]: never; }>;


export type StaleFeatureViewsQuery = { __typename?: 'Query', platformStatus: { __typename?: 'PlatformStatus', staleFeatureViews: Array<{ __typename?: 'FeatureView', name: string }> } };

export type FeatureViewHistoryQueryVariables = Exact<{
  name: Scalars['String']['input'];
  first?: InputMaybe<Scalars['Int']['input']>;
}>;


export type FeatureViewHistoryQuery = { __typename?: 'Query', featureView?: { __typename?: 'FeatureView', name: string, history: Array<{ __typename?: 'FeatureViewVersion', version: number, change: FeatureViewChange, definition?: unknown | null, changedAt: string, changedBy?: string | null }> } | null };

export type FeatureViewModelsQueryVariables = Exact<{
  name: Scalars['String']['input'];
  first?: InputMaybe<Scalars['Int']['input']>;
}>;


export type FeatureViewModelsQuery = { __typename?: 'Query', featureView?: { __typename?: 'FeatureView', name: string, models: Array<{ __typename?: 'ModelVersion', model: string, version: number, aliases: Array<string> }> } | null };

export type FeatureViewChangedSubscriptionVariables = Exact<{
  names?: InputMaybe<Array<Scalars['String']['input']> | Scalars['String']['input']>;
}>;


export type FeatureViewChangedSubscription = { __typename?: 'Subscription', featureViewChanged: { __typename?: 'FeatureViewEvent', kind: FeatureViewEventKind, name: string, at: string, featureView?: { __typename?: 'FeatureView', name: string, updatedAt?: string | null } | null } };

export type UserErrorFieldsFragment = { __typename?: 'UserError', field?: Array<string> | null, message: string, code: ErrorCode };

export type PageInfoFieldsFragment = { __typename?: 'PageInfo', startCursor?: string | null, endCursor?: string | null, hasNextPage: boolean, hasPreviousPage: boolean };

export type FeatureViewFieldsFragment = { __typename?: 'FeatureView', globalId: string, name: string, description: string, ttlSeconds?: number | null, online: boolean, owner: string, createdAt?: string | null, updatedAt?: string | null, entities: Array<{ __typename?: 'Entity', name: string, joinKey: string, valueType?: FeatureDtype | null }>, features: Array<{ __typename?: 'Feature', name: string, dtype?: FeatureDtype | null, description: string }>, source: { __typename?: 'FeatureSource', table: string, timestampField: string, createdTimestampField?: string | null, catalog?: string | null }, tags: Array<{ __typename?: 'Tag', key: string, value: string }>, materializationIntervals: Array<{ __typename?: 'MaterializationInterval', start: string, end: string }> };

export type MaterializationFieldsFragment = { __typename?: 'Materialization', id: string, status: MaterializationStatus, featureViews: Array<string>, start?: string | null, end: string, incremental: boolean, rowsWritten?: number | null, startedAt: string, finishedAt?: string | null, error?: string | null };

export type TrainingJobFieldsFragment = { __typename?: 'TrainingJob', id: string, status: JobStatus, scriptName: string, scriptSha256: string, experimentName: string, modelName?: string | null, featureService?: string | null, timeoutSeconds: number, attempts: number, exitCode?: number | null, warning?: string | null, submittedAt: string, startedAt?: string | null, finishedAt?: string | null, runId?: string | null };

export type TrainingJobOutputFieldsFragment = { __typename?: 'TrainingJob', requirements?: Array<string> | null, error?: string | null };

export type ModelVersionFieldsFragment = { __typename?: 'ModelVersion', model: string, version: number, status: string, description: string, aliases: Array<string>, runId?: string | null, modelId?: string | null, creationTime?: string | null, lastUpdatedTime?: string | null, tags: Array<{ __typename?: 'Tag', key: string, value: string }>, signature?: { __typename?: 'ModelSignature', inputs: Array<{ __typename?: 'SignatureColumn', name?: string | null, type: string, required: boolean }>, outputs: Array<{ __typename?: 'SignatureColumn', name?: string | null, type: string, required: boolean }> } | null };

export type GoldTablesQueryVariables = Exact<{
  namespace?: InputMaybe<Scalars['String']['input']>;
}>;


export type GoldTablesQuery = { __typename?: 'Query', goldTables: Array<{ __typename?: 'GoldTable', name: string, namespace: string, table: string, rowCount?: number | null, snapshotId?: string | null, lastUpdated?: string | null }> };

export type GoldTableQueryVariables = Exact<{
  name: Scalars['String']['input'];
}>;


export type GoldTableQuery = { __typename?: 'Query', goldTable?: { __typename?: 'GoldTable', name: string, namespace: string, table: string, snapshotId?: string | null, snapshotCount: number, rowCount?: number | null, lastUpdated?: string | null, columns: Array<{ __typename?: 'Column', name: string, type: string, nullable: boolean, description?: string | null }> } | null };

export type SubmitTrainingJobMutationVariables = Exact<{
  input: SubmitTrainingJobInput;
}>;


export type SubmitTrainingJobMutation = { __typename?: 'Mutation', submitTrainingJob: { __typename?: 'SubmitTrainingJobPayload', job?: { __typename?: 'TrainingJob', id: string, status: JobStatus, scriptName: string, scriptSha256: string, experimentName: string, modelName?: string | null, featureService?: string | null, timeoutSeconds: number, attempts: number, exitCode?: number | null, warning?: string | null, submittedAt: string, startedAt?: string | null, finishedAt?: string | null, runId?: string | null, requirements?: Array<string> | null, error?: string | null } | null, userErrors: Array<{ __typename?: 'UserError', field?: Array<string> | null, message: string, code: ErrorCode }> } };

export type TrainingJobQueryVariables = Exact<{
  id: Scalars['ID']['input'];
  fromLine?: InputMaybe<Scalars['Int']['input']>;
  output?: InputMaybe<Scalars['Boolean']['input']>;
}>;


export type TrainingJobQuery = { __typename?: 'Query', trainingJob?: { __typename?: 'TrainingJob', requirements?: Array<string> | null, error?: string | null, id: string, status: JobStatus, scriptName: string, scriptSha256: string, experimentName: string, modelName?: string | null, featureService?: string | null, timeoutSeconds: number, attempts: number, exitCode?: number | null, warning?: string | null, submittedAt: string, startedAt?: string | null, finishedAt?: string | null, runId?: string | null, run?: { __typename?: 'Run', id: string, status: string, experimentId: string } | null, modelVersion?: { __typename?: 'ModelVersion', model: string, version: number, status: string, description: string, aliases: Array<string>, runId?: string | null, modelId?: string | null, creationTime?: string | null, lastUpdatedTime?: string | null, tags: Array<{ __typename?: 'Tag', key: string, value: string }>, signature?: { __typename?: 'ModelSignature', inputs: Array<{ __typename?: 'SignatureColumn', name?: string | null, type: string, required: boolean }>, outputs: Array<{ __typename?: 'SignatureColumn', name?: string | null, type: string, required: boolean }> } | null } | null, logs?: Array<{ __typename?: 'LogLine', number: number, text: string, stream: LogStream, time: string }> | null } | null };

export type CancelTrainingJobMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type CancelTrainingJobMutation = { __typename?: 'Mutation', cancelTrainingJob: { __typename?: 'TrainingJobPayload', job?: { __typename?: 'TrainingJob', id: string, status: JobStatus, scriptName: string, scriptSha256: string, experimentName: string, modelName?: string | null, featureService?: string | null, timeoutSeconds: number, attempts: number, exitCode?: number | null, warning?: string | null, submittedAt: string, startedAt?: string | null, finishedAt?: string | null, runId?: string | null, requirements?: Array<string> | null, error?: string | null } | null, userErrors: Array<{ __typename?: 'UserError', field?: Array<string> | null, message: string, code: ErrorCode }> } };

export type FollowTrainingJobSubscriptionVariables = Exact<{
  id: Scalars['ID']['input'];
  output?: InputMaybe<Scalars['Boolean']['input']>;
}>;


export type FollowTrainingJobSubscription = { __typename?: 'Subscription', trainingJob: { __typename?: 'TrainingJob', requirements?: Array<string> | null, error?: string | null, id: string, status: JobStatus, scriptName: string, scriptSha256: string, experimentName: string, modelName?: string | null, featureService?: string | null, timeoutSeconds: number, attempts: number, exitCode?: number | null, warning?: string | null, submittedAt: string, startedAt?: string | null, finishedAt?: string | null, runId?: string | null } };

export type FollowTrainingJobLogsSubscriptionVariables = Exact<{
  id: Scalars['ID']['input'];
  fromLine?: InputMaybe<Scalars['Int']['input']>;
}>;


export type FollowTrainingJobLogsSubscription = { __typename?: 'Subscription', trainingJobLogs: { __typename?: 'LogLine', number: number, text: string, stream: LogStream, time: string } };

export type RegisteredModelsQueryVariables = Exact<{
  filter?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type RegisteredModelsQuery = { __typename?: 'Query', registeredModels: { __typename?: 'RegisteredModelConnection', totalCount?: number | null, pageInfo: { __typename?: 'PageInfo', startCursor?: string | null, endCursor?: string | null, hasNextPage: boolean, hasPreviousPage: boolean }, edges: Array<{ __typename?: 'RegisteredModelEdge', node: { __typename?: 'RegisteredModel', name: string, description: string, creationTime?: string | null, lastUpdatedTime?: string | null, aliases: Array<{ __typename?: 'ModelAlias', alias: string, version: number }>, latestVersion?: { __typename?: 'ModelVersion', model: string, version: number, status: string, description: string, aliases: Array<string>, runId?: string | null, modelId?: string | null, creationTime?: string | null, lastUpdatedTime?: string | null, tags: Array<{ __typename?: 'Tag', key: string, value: string }>, signature?: { __typename?: 'ModelSignature', inputs: Array<{ __typename?: 'SignatureColumn', name?: string | null, type: string, required: boolean }>, outputs: Array<{ __typename?: 'SignatureColumn', name?: string | null, type: string, required: boolean }> } | null } | null } }> } };

export type ModelVersionQueryVariables = Exact<{
  model: Scalars['String']['input'];
  version?: InputMaybe<Scalars['Int']['input']>;
  alias?: InputMaybe<Scalars['String']['input']>;
}>;


export type ModelVersionQuery = { __typename?: 'Query', modelVersion?: { __typename?: 'ModelVersion', model: string, version: number, status: string, description: string, aliases: Array<string>, runId?: string | null, modelId?: string | null, creationTime?: string | null, lastUpdatedTime?: string | null, run?: { __typename?: 'Run', id: string, status: string, metrics: Array<{ __typename?: 'Metric', key: string, value?: number | null, step: number }>, params: Array<{ __typename?: 'Param', key: string, value: string }> } | null, tags: Array<{ __typename?: 'Tag', key: string, value: string }>, signature?: { __typename?: 'ModelSignature', inputs: Array<{ __typename?: 'SignatureColumn', name?: string | null, type: string, required: boolean }>, outputs: Array<{ __typename?: 'SignatureColumn', name?: string | null, type: string, required: boolean }> } | null } | null };

export type ModelVersionLineageQueryVariables = Exact<{
  model: Scalars['String']['input'];
  version: Scalars['Int']['input'];
}>;


export type ModelVersionLineageQuery = { __typename?: 'Query', modelVersion?: { __typename?: 'ModelVersion', model: string, version: number, features: Array<{ __typename?: 'FeatureReference', featureView: string, name: string, reference: string, source?: LineageSource | null }>, featureService?: { __typename?: 'FeatureService', name: string } | null } | null };

export type LineageQueryVariables = Exact<{
  of: LineageTarget;
  depth?: Scalars['Int']['input'];
}>;


export type LineageQuery = { __typename?: 'Query', lineage: { __typename?: 'LineageGraph', root: string, truncated: boolean, nodes: Array<{ __typename?: 'LineageNode', id: string, kind: LineageNodeKind, name: string, version?: number | null, depth: number }>, edges: Array<{ __typename?: 'LineageEdge', from: string, to: string, kind: LineageEdgeKind, source?: LineageSource | null }> } };

export type ModelVersionChangedSubscriptionVariables = Exact<{
  model?: InputMaybe<Scalars['String']['input']>;
}>;


export type ModelVersionChangedSubscription = { __typename?: 'Subscription', modelVersionChanged: { __typename?: 'ModelVersionEvent', kind: ModelVersionEventKind, model: string, version: number, alias?: string | null, tagKey?: string | null, at: string } };

export type ModelVersionDriftQueryVariables = Exact<{
  model: Scalars['String']['input'];
  version: Scalars['Int']['input'];
  window?: Scalars['Int']['input'];
  psiThreshold?: Scalars['Float']['input'];
}>;


export type ModelVersionDriftQuery = { __typename?: 'Query', modelVersion?: { __typename?: 'ModelVersion', model: string, version: number, featureDrift: Array<{ __typename?: 'FeatureDrift', feature: string, psi?: number | null, ks?: number | null, drifted?: boolean | null, trainingCount: number, currentCount: number }> } | null };

export type NodeQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type NodeQuery = { __typename?: 'Query', node?: { __typename: 'Entity', name: string, joinKey: string, globalId: string } | { __typename: 'Experiment', id: string, name: string, globalId: string } | { __typename: 'FeatureService', name: string, globalId: string } | { __typename: 'FeatureView', name: string, online: boolean, globalId: string } | { __typename: 'GoldTable', name: string, rowCount?: number | null, globalId: string } | { __typename: 'Materialization', id: string, featureViews: Array<string>, globalId: string } | { __typename: 'ModelVersion', model: string, version: number, aliases: Array<string>, globalId: string } | { __typename: 'RegisteredModel', name: string, globalId: string } | { __typename: 'Run', id: string, experimentId: string, globalId: string } | { __typename: 'TrainingJob', id: string, scriptName: string, globalId: string } | null };

export type NodesQueryVariables = Exact<{
  ids: Array<Scalars['ID']['input']> | Scalars['ID']['input'];
}>;


export type NodesQuery = { __typename?: 'Query', nodes: Array<{ __typename: 'Entity', globalId: string } | { __typename: 'Experiment', globalId: string } | { __typename: 'FeatureService', globalId: string } | { __typename: 'FeatureView', globalId: string } | { __typename: 'GoldTable', globalId: string } | { __typename: 'Materialization', globalId: string } | { __typename: 'ModelVersion', globalId: string } | { __typename: 'RegisteredModel', globalId: string } | { __typename: 'Run', globalId: string } | { __typename: 'TrainingJob', globalId: string } | null> };

export type PlatformStatusQueryVariables = Exact<{ [key: string]: never; }>;


export type PlatformStatusQuery = { __typename?: 'Query', platformStatus: { __typename?: 'PlatformStatus', feastAvailable: boolean, mlflowAvailable: boolean, catalogAvailable: boolean, featureViews?: number | null, entities?: number | null, featureServices?: number | null, registeredModels?: number | null, activeExperiments?: number | null, goldTables?: number | null, version: string, timestamp: string }, viewer: { __typename?: 'Viewer', name: string, role: Role, authenticated: boolean } };

export type PredictMutationVariables = Exact<{
  input: PredictInput;
}>;


export type PredictMutation = { __typename?: 'Mutation', predict: { __typename?: 'PredictionPayload', predictions?: unknown | null, missingFeatures?: Array<string> | null, modelVersion?: { __typename?: 'ModelVersion', model: string, version: number, aliases: Array<string> } | null, userErrors: Array<{ __typename?: 'UserError', field?: Array<string> | null, message: string, code: ErrorCode }> } };

export type MaterializeMutationVariables = Exact<{
  input: MaterializeInput;
}>;


export type MaterializeMutation = { __typename?: 'Mutation', materialize: { __typename?: 'MaterializePayload', operation?: { __typename?: 'Materialization', id: string, status: MaterializationStatus, featureViews: Array<string>, start?: string | null, end: string, incremental: boolean, rowsWritten?: number | null, startedAt: string, finishedAt?: string | null, error?: string | null } | null, userErrors: Array<{ __typename?: 'UserError', field?: Array<string> | null, message: string, code: ErrorCode }> } };

export type MaterializationQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type MaterializationQuery = { __typename?: 'Query', materialization?: { __typename?: 'Materialization', id: string, status: MaterializationStatus, featureViews: Array<string>, start?: string | null, end: string, incremental: boolean, rowsWritten?: number | null, startedAt: string, finishedAt?: string | null, error?: string | null } | null };

export type OnlineFeaturesQueryVariables = Exact<{
  input: OnlineFeaturesInput;
}>;


export type OnlineFeaturesQuery = { __typename?: 'Query', onlineFeatures: { __typename?: 'FeatureTable', rows: unknown, statuses?: unknown | null, eventTimestamps?: unknown | null, columns: Array<{ __typename?: 'FeatureColumn', name: string, dtype?: FeatureDtype | null }> } };

export type PushFeaturesMutationVariables = Exact<{
  input: PushFeaturesInput;
}>;


export type PushFeaturesMutation = { __typename?: 'Mutation', pushFeatures: { __typename?: 'PushFeaturesPayload', rowsWritten?: number | null, to?: PushTarget | null, snapshotId?: string | null, staleRows?: number | null, userErrors: Array<{ __typename?: 'UserError', field?: Array<string> | null, message: string, code: ErrorCode }> } };

export type ExportHistoricalFeaturesMutationVariables = Exact<{
  input: HistoricalFeaturesInput;
}>;


export type ExportHistoricalFeaturesMutation = { __typename?: 'Mutation', exportHistoricalFeatures: { __typename?: 'HistoricalExportPayload', export?: { __typename?: 'FeatureExport', id: string, format: ExportFormat, url: string, rowCount: number, bytes: number, createdAt: string, expiresAt: string, columns: Array<{ __typename?: 'FeatureColumn', name: string, dtype?: FeatureDtype | null }> } | null, userErrors: Array<{ __typename?: 'UserError', field?: Array<string> | null, message: string, code: ErrorCode }> } };

export const UserErrorFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"UserErrorFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"UserError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"code"}}]}}]} as unknown as DocumentNode<UserErrorFieldsFragment, unknown>;
export const PageInfoFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PageInfoFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"PageInfo"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"startCursor"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}},{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"hasPreviousPage"}}]}}]} as unknown as DocumentNode<PageInfoFieldsFragment, unknown>;
export const FeatureViewFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"FeatureViewFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"FeatureView"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"globalId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"ttlSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"online"}},{"kind":"Field","name":{"kind":"Name","value":"owner"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"entities"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"joinKey"}},{"kind":"Field","name":{"kind":"Name","value":"valueType"}}]}},{"kind":"Field","name":{"kind":"Name","value":"features"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"dtype"}},{"kind":"Field","name":{"kind":"Name","value":"description"}}]}},{"kind":"Field","name":{"kind":"Name","value":"source"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"table"}},{"kind":"Field","name":{"kind":"Name","value":"timestampField"}},{"kind":"Field","name":{"kind":"Name","value":"createdTimestampField"}},{"kind":"Field","name":{"kind":"Name","value":"catalog"}}]}},{"kind":"Field","name":{"kind":"Name","value":"tags"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}},{"kind":"Field","name":{"kind":"Name","value":"materializationIntervals"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"start"}},{"kind":"Field","name":{"kind":"Name","value":"end"}}]}}]}}]} as unknown as DocumentNode<FeatureViewFieldsFragment, unknown>;
export const MaterializationFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"MaterializationFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Materialization"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"featureViews"}},{"kind":"Field","name":{"kind":"Name","value":"start"}},{"kind":"Field","name":{"kind":"Name","value":"end"}},{"kind":"Field","name":{"kind":"Name","value":"incremental"}},{"kind":"Field","name":{"kind":"Name","value":"rowsWritten"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"error"}}]}}]} as unknown as DocumentNode<MaterializationFieldsFragment, unknown>;
export const TrainingJobFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"TrainingJobFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TrainingJob"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"scriptName"}},{"kind":"Field","name":{"kind":"Name","value":"scriptSha256"}},{"kind":"Field","name":{"kind":"Name","value":"experimentName"}},{"kind":"Field","name":{"kind":"Name","value":"modelName"}},{"kind":"Field","name":{"kind":"Name","value":"featureService"}},{"kind":"Field","name":{"kind":"Name","value":"timeoutSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"}},{"kind":"Field","name":{"kind":"Name","value":"exitCode"}},{"kind":"Field","name":{"kind":"Name","value":"warning"}},{"kind":"Field","name":{"kind":"Name","value":"submittedAt"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"runId"}}]}}]} as unknown as DocumentNode<TrainingJobFieldsFragment, unknown>;
export const TrainingJobOutputFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"TrainingJobOutputFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TrainingJob"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"requirements"}},{"kind":"Field","name":{"kind":"Name","value":"error"}}]}}]} as unknown as DocumentNode<TrainingJobOutputFieldsFragment, unknown>;
export const ModelVersionFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ModelVersionFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ModelVersion"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"aliases"}},{"kind":"Field","name":{"kind":"Name","value":"runId"}},{"kind":"Field","name":{"kind":"Name","value":"modelId"}},{"kind":"Field","name":{"kind":"Name","value":"creationTime"}},{"kind":"Field","name":{"kind":"Name","value":"lastUpdatedTime"}},{"kind":"Field","name":{"kind":"Name","value":"tags"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}},{"kind":"Field","name":{"kind":"Name","value":"signature"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"inputs"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"required"}}]}},{"kind":"Field","name":{"kind":"Name","value":"outputs"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"required"}}]}}]}}]}}]} as unknown as DocumentNode<ModelVersionFieldsFragment, unknown>;
export const CreateFeatureServiceDocument = {"__meta__":{"hash":"9a1b7c53bd7ddc518b91ce0e3c858d46df306ac20711fb13f70a8adaabdc2e17"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateFeatureService"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateFeatureServiceInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createFeatureService"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"change"}},{"kind":"Field","name":{"kind":"Name","value":"featureService"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"owner"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"tags"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}},{"kind":"Field","name":{"kind":"Name","value":"featureViews"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"featureNames"}},{"kind":"Field","name":{"kind":"Name","value":"features"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"dtype"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"UserErrorFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"UserErrorFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"UserError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"code"}}]}}]} as unknown as DocumentNode<CreateFeatureServiceMutation, CreateFeatureServiceMutationVariables>;
export const RegisterFeatureViewDocument = {"__meta__":{"hash":"4a3bd7f7aa125f381466d1c8f1ed94c7d7eedae880e0c1056ac3113143013075"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RegisterFeatureView"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RegisterFeatureViewInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"registerFeatureView"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"change"}},{"kind":"Field","name":{"kind":"Name","value":"featureView"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"FeatureViewFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"UserErrorFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"FeatureViewFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"FeatureView"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"globalId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"ttlSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"online"}},{"kind":"Field","name":{"kind":"Name","value":"owner"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"entities"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"joinKey"}},{"kind":"Field","name":{"kind":"Name","value":"valueType"}}]}},{"kind":"Field","name":{"kind":"Name","value":"features"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"dtype"}},{"kind":"Field","name":{"kind":"Name","value":"description"}}]}},{"kind":"Field","name":{"kind":"Name","value":"source"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"table"}},{"kind":"Field","name":{"kind":"Name","value":"timestampField"}},{"kind":"Field","name":{"kind":"Name","value":"createdTimestampField"}},{"kind":"Field","name":{"kind":"Name","value":"catalog"}}]}},{"kind":"Field","name":{"kind":"Name","value":"tags"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}},{"kind":"Field","name":{"kind":"Name","value":"materializationIntervals"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"start"}},{"kind":"Field","name":{"kind":"Name","value":"end"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"UserErrorFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"UserError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"code"}}]}}]} as unknown as DocumentNode<RegisterFeatureViewMutation, RegisterFeatureViewMutationVariables>;
export const FeatureViewsDocument = {"__meta__":{"hash":"b79fbda8ebb3822e48f17f1c0e5b677242fc34846edef18345ff6f315c431613"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"FeatureViews"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"FeatureViewFilter"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"featureViews"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"PageInfoFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"FeatureViewFields"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PageInfoFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"PageInfo"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"startCursor"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}},{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"hasPreviousPage"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"FeatureViewFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"FeatureView"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"globalId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"ttlSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"online"}},{"kind":"Field","name":{"kind":"Name","value":"owner"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"entities"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"joinKey"}},{"kind":"Field","name":{"kind":"Name","value":"valueType"}}]}},{"kind":"Field","name":{"kind":"Name","value":"features"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"dtype"}},{"kind":"Field","name":{"kind":"Name","value":"description"}}]}},{"kind":"Field","name":{"kind":"Name","value":"source"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"table"}},{"kind":"Field","name":{"kind":"Name","value":"timestampField"}},{"kind":"Field","name":{"kind":"Name","value":"createdTimestampField"}},{"kind":"Field","name":{"kind":"Name","value":"catalog"}}]}},{"kind":"Field","name":{"kind":"Name","value":"tags"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}},{"kind":"Field","name":{"kind":"Name","value":"materializationIntervals"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"start"}},{"kind":"Field","name":{"kind":"Name","value":"end"}}]}}]}}]} as unknown as DocumentNode<FeatureViewsQuery, FeatureViewsQueryVariables>;
export const FeatureViewFreshnessDocument = {"__meta__":{"hash":"b677b813363a67edbc03da8dec33f2ca457632e37ecd646de43cc6e898a2059e"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"FeatureViewFreshness"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"name"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"featureView"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"name"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"freshness"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"latestEventTime"}},{"kind":"Field","name":{"kind":"Name","value":"lastMaterializedAt"}},{"kind":"Field","name":{"kind":"Name","value":"materializedUpTo"}},{"kind":"Field","name":{"kind":"Name","value":"lagSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"withinTtl"}},{"kind":"Field","name":{"kind":"Name","value":"stale"}}]}},{"kind":"Field","name":{"kind":"Name","value":"features"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"stats"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"snapshotId"}},{"kind":"Field","name":{"kind":"Name","value":"valueCount"}},{"kind":"Field","name":{"kind":"Name","value":"nullCount"}},{"kind":"Field","name":{"kind":"Name","value":"lowerBound"}},{"kind":"Field","name":{"kind":"Name","value":"upperBound"}}]}}]}}]}}]}}]} as unknown as DocumentNode<FeatureViewFreshnessQuery, FeatureViewFreshnessQueryVariables>;
export const StaleFeatureViewsDocument = {"__meta__":{"hash":"e199933e1be7deee3518848da6cda264db047e418181f37cc14c57394bb45414"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"StaleFeatureViews"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"platformStatus"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"staleFeatureViews"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]} as unknown as DocumentNode<StaleFeatureViewsQuery, StaleFeatureViewsQueryVariables>;
export const FeatureViewHistoryDocument = {"__meta__":{"hash":"fcb8cc39da661b9e6e945f71699b5ae28cdbdd5098cdd7b9814fb76f4b952eea"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"FeatureViewHistory"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"name"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"featureView"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"name"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"history"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"change"}},{"kind":"Field","name":{"kind":"Name","value":"definition"}},{"kind":"Field","name":{"kind":"Name","value":"changedAt"}},{"kind":"Field","name":{"kind":"Name","value":"changedBy"}}]}}]}}]}}]} as unknown as DocumentNode<FeatureViewHistoryQuery, FeatureViewHistoryQueryVariables>;
export const FeatureViewModelsDocument = {"__meta__":{"hash":"4d66257bc5514cfe40c0a69b968da965359d7b6bc8e6e55aba800f1d5fdb744b"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"FeatureViewModels"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"name"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"featureView"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"name"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"models"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"aliases"}}]}}]}}]}}]} as unknown as DocumentNode<FeatureViewModelsQuery, FeatureViewModelsQueryVariables>;
export const FeatureViewChangedDocument = {"__meta__":{"hash":"847ae27b82c6df92ee2938f56a81c145d175172124dc3987bceea9b142a479ea"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"FeatureViewChanged"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"names"}},"type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"featureViewChanged"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"names"},"value":{"kind":"Variable","name":{"kind":"Name","value":"names"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"featureView"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}}]}}]}}]}}]} as unknown as DocumentNode<FeatureViewChangedSubscription, FeatureViewChangedSubscriptionVariables>;
export const GoldTablesDocument = {"__meta__":{"hash":"f64e548a770f72880540a0c5de50f47f4970e7ceceba664f3b3c2c2353d6e107"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"GoldTables"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"namespace"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"goldTables"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"namespace"},"value":{"kind":"Variable","name":{"kind":"Name","value":"namespace"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"namespace"}},{"kind":"Field","name":{"kind":"Name","value":"table"}},{"kind":"Field","name":{"kind":"Name","value":"rowCount"}},{"kind":"Field","name":{"kind":"Name","value":"snapshotId"}},{"kind":"Field","name":{"kind":"Name","value":"lastUpdated"}}]}}]}}]} as unknown as DocumentNode<GoldTablesQuery, GoldTablesQueryVariables>;
export const GoldTableDocument = {"__meta__":{"hash":"52c6b8021b2dcf28cb438f555a89c18b3956043ebc596f2c5251812ea8a18f2f"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"GoldTable"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"name"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"goldTable"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"name"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"namespace"}},{"kind":"Field","name":{"kind":"Name","value":"table"}},{"kind":"Field","name":{"kind":"Name","value":"snapshotId"}},{"kind":"Field","name":{"kind":"Name","value":"snapshotCount"}},{"kind":"Field","name":{"kind":"Name","value":"rowCount"}},{"kind":"Field","name":{"kind":"Name","value":"lastUpdated"}},{"kind":"Field","name":{"kind":"Name","value":"columns"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"nullable"}},{"kind":"Field","name":{"kind":"Name","value":"description"}}]}}]}}]}}]} as unknown as DocumentNode<GoldTableQuery, GoldTableQueryVariables>;
export const SubmitTrainingJobDocument = {"__meta__":{"hash":"63a071550e86c1f7345805cb903a5154586570b8f6652d9c0c5962c7eb5649a5"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SubmitTrainingJob"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"SubmitTrainingJobInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"submitTrainingJob"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"job"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"TrainingJobFields"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"TrainingJobOutputFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"UserErrorFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"TrainingJobFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TrainingJob"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"scriptName"}},{"kind":"Field","name":{"kind":"Name","value":"scriptSha256"}},{"kind":"Field","name":{"kind":"Name","value":"experimentName"}},{"kind":"Field","name":{"kind":"Name","value":"modelName"}},{"kind":"Field","name":{"kind":"Name","value":"featureService"}},{"kind":"Field","name":{"kind":"Name","value":"timeoutSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"}},{"kind":"Field","name":{"kind":"Name","value":"exitCode"}},{"kind":"Field","name":{"kind":"Name","value":"warning"}},{"kind":"Field","name":{"kind":"Name","value":"submittedAt"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"runId"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"TrainingJobOutputFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TrainingJob"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"requirements"}},{"kind":"Field","name":{"kind":"Name","value":"error"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"UserErrorFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"UserError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"code"}}]}}]} as unknown as DocumentNode<SubmitTrainingJobMutation, SubmitTrainingJobMutationVariables>;
export const TrainingJobDocument = {"__meta__":{"hash":"ae32cf014d77d94b90c8ef0f3547cb0ac58edecd6f775b14108a27945f689c5a"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"TrainingJob"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"fromLine"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}},"defaultValue":{"kind":"IntValue","value":"0"}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"output"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}},"defaultValue":{"kind":"BooleanValue","value":false}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"trainingJob"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"TrainingJobFields"}},{"kind":"Field","name":{"kind":"Name","value":"requirements"},"directives":[{"kind":"Directive","name":{"kind":"Name","value":"include"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"if"},"value":{"kind":"Variable","name":{"kind":"Name","value":"output"}}}]}]},{"kind":"Field","name":{"kind":"Name","value":"error"},"directives":[{"kind":"Directive","name":{"kind":"Name","value":"include"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"if"},"value":{"kind":"Variable","name":{"kind":"Name","value":"output"}}}]}]},{"kind":"Field","name":{"kind":"Name","value":"run"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"experimentId"}}]}},{"kind":"Field","name":{"kind":"Name","value":"modelVersion"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ModelVersionFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"logs"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"fromLine"},"value":{"kind":"Variable","name":{"kind":"Name","value":"fromLine"}}}],"directives":[{"kind":"Directive","name":{"kind":"Name","value":"include"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"if"},"value":{"kind":"Variable","name":{"kind":"Name","value":"output"}}}]}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"number"}},{"kind":"Field","name":{"kind":"Name","value":"text"}},{"kind":"Field","name":{"kind":"Name","value":"stream"}},{"kind":"Field","name":{"kind":"Name","value":"time"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"TrainingJobFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TrainingJob"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"scriptName"}},{"kind":"Field","name":{"kind":"Name","value":"scriptSha256"}},{"kind":"Field","name":{"kind":"Name","value":"experimentName"}},{"kind":"Field","name":{"kind":"Name","value":"modelName"}},{"kind":"Field","name":{"kind":"Name","value":"featureService"}},{"kind":"Field","name":{"kind":"Name","value":"timeoutSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"}},{"kind":"Field","name":{"kind":"Name","value":"exitCode"}},{"kind":"Field","name":{"kind":"Name","value":"warning"}},{"kind":"Field","name":{"kind":"Name","value":"submittedAt"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"runId"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ModelVersionFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ModelVersion"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"aliases"}},{"kind":"Field","name":{"kind":"Name","value":"runId"}},{"kind":"Field","name":{"kind":"Name","value":"modelId"}},{"kind":"Field","name":{"kind":"Name","value":"creationTime"}},{"kind":"Field","name":{"kind":"Name","value":"lastUpdatedTime"}},{"kind":"Field","name":{"kind":"Name","value":"tags"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}},{"kind":"Field","name":{"kind":"Name","value":"signature"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"inputs"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"required"}}]}},{"kind":"Field","name":{"kind":"Name","value":"outputs"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"required"}}]}}]}}]}}]} as unknown as DocumentNode<TrainingJobQuery, TrainingJobQueryVariables>;
export const CancelTrainingJobDocument = {"__meta__":{"hash":"7a54fae8a7f668f82a2a3327e1ed66354462c9e11311978450d97bda4ae3fdbb"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CancelTrainingJob"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cancelTrainingJob"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"job"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"TrainingJobFields"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"TrainingJobOutputFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"UserErrorFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"TrainingJobFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TrainingJob"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"scriptName"}},{"kind":"Field","name":{"kind":"Name","value":"scriptSha256"}},{"kind":"Field","name":{"kind":"Name","value":"experimentName"}},{"kind":"Field","name":{"kind":"Name","value":"modelName"}},{"kind":"Field","name":{"kind":"Name","value":"featureService"}},{"kind":"Field","name":{"kind":"Name","value":"timeoutSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"}},{"kind":"Field","name":{"kind":"Name","value":"exitCode"}},{"kind":"Field","name":{"kind":"Name","value":"warning"}},{"kind":"Field","name":{"kind":"Name","value":"submittedAt"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"runId"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"TrainingJobOutputFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TrainingJob"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"requirements"}},{"kind":"Field","name":{"kind":"Name","value":"error"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"UserErrorFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"UserError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"code"}}]}}]} as unknown as DocumentNode<CancelTrainingJobMutation, CancelTrainingJobMutationVariables>;
export const FollowTrainingJobDocument = {"__meta__":{"hash":"4cdeff381820eb631af5b1ccfdb83a79d7451327ac919da4d2cbd0859ccc51fc"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"FollowTrainingJob"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"output"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}},"defaultValue":{"kind":"BooleanValue","value":false}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"trainingJob"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"TrainingJobFields"}},{"kind":"Field","name":{"kind":"Name","value":"requirements"},"directives":[{"kind":"Directive","name":{"kind":"Name","value":"include"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"if"},"value":{"kind":"Variable","name":{"kind":"Name","value":"output"}}}]}]},{"kind":"Field","name":{"kind":"Name","value":"error"},"directives":[{"kind":"Directive","name":{"kind":"Name","value":"include"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"if"},"value":{"kind":"Variable","name":{"kind":"Name","value":"output"}}}]}]}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"TrainingJobFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TrainingJob"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"scriptName"}},{"kind":"Field","name":{"kind":"Name","value":"scriptSha256"}},{"kind":"Field","name":{"kind":"Name","value":"experimentName"}},{"kind":"Field","name":{"kind":"Name","value":"modelName"}},{"kind":"Field","name":{"kind":"Name","value":"featureService"}},{"kind":"Field","name":{"kind":"Name","value":"timeoutSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"}},{"kind":"Field","name":{"kind":"Name","value":"exitCode"}},{"kind":"Field","name":{"kind":"Name","value":"warning"}},{"kind":"Field","name":{"kind":"Name","value":"submittedAt"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"runId"}}]}}]} as unknown as DocumentNode<FollowTrainingJobSubscription, FollowTrainingJobSubscriptionVariables>;
export const FollowTrainingJobLogsDocument = {"__meta__":{"hash":"e97d0c9c4cd9a7f1a14eefbcd2484797c74d7f434f0d4940b552bb2064fafffa"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"FollowTrainingJobLogs"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"fromLine"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}},"defaultValue":{"kind":"IntValue","value":"0"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"trainingJobLogs"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"fromLine"},"value":{"kind":"Variable","name":{"kind":"Name","value":"fromLine"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"number"}},{"kind":"Field","name":{"kind":"Name","value":"text"}},{"kind":"Field","name":{"kind":"Name","value":"stream"}},{"kind":"Field","name":{"kind":"Name","value":"time"}}]}}]}}]} as unknown as DocumentNode<FollowTrainingJobLogsSubscription, FollowTrainingJobLogsSubscriptionVariables>;
export const RegisteredModelsDocument = {"__meta__":{"hash":"cf488a2bd8413848a612e2ce56cea2f88b4bcbc2648d27146bb8a34ddfb23b6f"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"RegisteredModels"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"registeredModels"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"PageInfoFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"creationTime"}},{"kind":"Field","name":{"kind":"Name","value":"lastUpdatedTime"}},{"kind":"Field","name":{"kind":"Name","value":"aliases"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"alias"}},{"kind":"Field","name":{"kind":"Name","value":"version"}}]}},{"kind":"Field","name":{"kind":"Name","value":"latestVersion"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ModelVersionFields"}}]}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PageInfoFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"PageInfo"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"startCursor"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}},{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"hasPreviousPage"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ModelVersionFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ModelVersion"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"aliases"}},{"kind":"Field","name":{"kind":"Name","value":"runId"}},{"kind":"Field","name":{"kind":"Name","value":"modelId"}},{"kind":"Field","name":{"kind":"Name","value":"creationTime"}},{"kind":"Field","name":{"kind":"Name","value":"lastUpdatedTime"}},{"kind":"Field","name":{"kind":"Name","value":"tags"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}},{"kind":"Field","name":{"kind":"Name","value":"signature"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"inputs"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"required"}}]}},{"kind":"Field","name":{"kind":"Name","value":"outputs"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"required"}}]}}]}}]}}]} as unknown as DocumentNode<RegisteredModelsQuery, RegisteredModelsQueryVariables>;
export const ModelVersionDocument = {"__meta__":{"hash":"10b3649b8f4a6774c8b0db25f81bd821f1974c874b93620e4ef7876e5b3625ed"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ModelVersion"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"model"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"version"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"alias"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"modelVersion"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"model"},"value":{"kind":"Variable","name":{"kind":"Name","value":"model"}}},{"kind":"Argument","name":{"kind":"Name","value":"version"},"value":{"kind":"Variable","name":{"kind":"Name","value":"version"}}},{"kind":"Argument","name":{"kind":"Name","value":"alias"},"value":{"kind":"Variable","name":{"kind":"Name","value":"alias"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ModelVersionFields"}},{"kind":"Field","name":{"kind":"Name","value":"run"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"metrics"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"step"}}]}},{"kind":"Field","name":{"kind":"Name","value":"params"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ModelVersionFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ModelVersion"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"aliases"}},{"kind":"Field","name":{"kind":"Name","value":"runId"}},{"kind":"Field","name":{"kind":"Name","value":"modelId"}},{"kind":"Field","name":{"kind":"Name","value":"creationTime"}},{"kind":"Field","name":{"kind":"Name","value":"lastUpdatedTime"}},{"kind":"Field","name":{"kind":"Name","value":"tags"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}},{"kind":"Field","name":{"kind":"Name","value":"signature"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"inputs"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"required"}}]}},{"kind":"Field","name":{"kind":"Name","value":"outputs"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"required"}}]}}]}}]}}]} as unknown as DocumentNode<ModelVersionQuery, ModelVersionQueryVariables>;
export const ModelVersionLineageDocument = {"__meta__":{"hash":"a5000725b8ff62d8ab32e5ed683e132d2b36ff96cc471c2d77ece06c2e069fa8"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ModelVersionLineage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"model"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"version"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"modelVersion"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"model"},"value":{"kind":"Variable","name":{"kind":"Name","value":"model"}}},{"kind":"Argument","name":{"kind":"Name","value":"version"},"value":{"kind":"Variable","name":{"kind":"Name","value":"version"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"features"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"featureView"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"reference"}},{"kind":"Field","name":{"kind":"Name","value":"source"}}]}},{"kind":"Field","name":{"kind":"Name","value":"featureService"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]} as unknown as DocumentNode<ModelVersionLineageQuery, ModelVersionLineageQueryVariables>;
export const LineageDocument = {"__meta__":{"hash":"1236dfb7ca896761e831351b09866ecfe69a9951283773b8bb3684eef5694f8e"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Lineage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"of"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"LineageTarget"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"depth"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},"defaultValue":{"kind":"IntValue","value":"2"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"lineage"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"of"},"value":{"kind":"Variable","name":{"kind":"Name","value":"of"}}},{"kind":"Argument","name":{"kind":"Name","value":"depth"},"value":{"kind":"Variable","name":{"kind":"Name","value":"depth"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"root"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"depth"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"from"}},{"kind":"Field","name":{"kind":"Name","value":"to"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"source"}}]}},{"kind":"Field","name":{"kind":"Name","value":"truncated"}}]}}]}}]} as unknown as DocumentNode<LineageQuery, LineageQueryVariables>;
export const ModelVersionChangedDocument = {"__meta__":{"hash":"2b5f094786ad54017045b833a796b0604d5a4eeab22521c42d7f6eb756f9fdd6"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"ModelVersionChanged"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"model"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"modelVersionChanged"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"model"},"value":{"kind":"Variable","name":{"kind":"Name","value":"model"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"alias"}},{"kind":"Field","name":{"kind":"Name","value":"tagKey"}},{"kind":"Field","name":{"kind":"Name","value":"at"}}]}}]}}]} as unknown as DocumentNode<ModelVersionChangedSubscription, ModelVersionChangedSubscriptionVariables>;
export const ModelVersionDriftDocument = {"__meta__":{"hash":"1d45ce1c1ee56ae1136835e38e1e57134cd175f6960724d89e82b07967df3a2c"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ModelVersionDrift"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"model"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"version"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"window"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},"defaultValue":{"kind":"IntValue","value":"604800"}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"psiThreshold"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Float"}}},"defaultValue":{"kind":"FloatValue","value":"0.2"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"modelVersion"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"model"},"value":{"kind":"Variable","name":{"kind":"Name","value":"model"}}},{"kind":"Argument","name":{"kind":"Name","value":"version"},"value":{"kind":"Variable","name":{"kind":"Name","value":"version"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"featureDrift"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"window"},"value":{"kind":"Variable","name":{"kind":"Name","value":"window"}}},{"kind":"Argument","name":{"kind":"Name","value":"psiThreshold"},"value":{"kind":"Variable","name":{"kind":"Name","value":"psiThreshold"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"feature"}},{"kind":"Field","name":{"kind":"Name","value":"psi"}},{"kind":"Field","name":{"kind":"Name","value":"ks"}},{"kind":"Field","name":{"kind":"Name","value":"drifted"}},{"kind":"Field","name":{"kind":"Name","value":"trainingCount"}},{"kind":"Field","name":{"kind":"Name","value":"currentCount"}}]}}]}}]}}]} as unknown as DocumentNode<ModelVersionDriftQuery, ModelVersionDriftQueryVariables>;
export const NodeDocument = {"__meta__":{"hash":"1bdea68e49c30d7bb23dd50d277787a3620663ce54d54cfc5fcd1d239f85b450"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Node"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"globalId"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"FeatureView"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"online"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Entity"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"joinKey"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"FeatureService"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"GoldTable"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"rowCount"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Experiment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Run"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"experimentId"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"RegisteredModel"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ModelVersion"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"aliases"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TrainingJob"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"scriptName"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Materialization"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"featureViews"}}]}}]}}]}}]} as unknown as DocumentNode<NodeQuery, NodeQueryVariables>;
export const NodesDocument = {"__meta__":{"hash":"95e65a91f656ca0b0414f74221f54361abc1ad7fb6f1a2128bd25b0f7dc0a067"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Nodes"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"ids"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"ids"},"value":{"kind":"Variable","name":{"kind":"Name","value":"ids"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"globalId"}}]}}]}}]} as unknown as DocumentNode<NodesQuery, NodesQueryVariables>;
export const PlatformStatusDocument = {"__meta__":{"hash":"bc565287c65b2cf53d05ad498d8f84df5d3f450abfa74158d2fd294ad815b510"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PlatformStatus"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"platformStatus"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"feastAvailable"}},{"kind":"Field","name":{"kind":"Name","value":"mlflowAvailable"}},{"kind":"Field","name":{"kind":"Name","value":"catalogAvailable"}},{"kind":"Field","name":{"kind":"Name","value":"featureViews"}},{"kind":"Field","name":{"kind":"Name","value":"entities"}},{"kind":"Field","name":{"kind":"Name","value":"featureServices"}},{"kind":"Field","name":{"kind":"Name","value":"registeredModels"}},{"kind":"Field","name":{"kind":"Name","value":"activeExperiments"}},{"kind":"Field","name":{"kind":"Name","value":"goldTables"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"timestamp"}}]}},{"kind":"Field","name":{"kind":"Name","value":"viewer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"authenticated"}}]}}]}}]} as unknown as DocumentNode<PlatformStatusQuery, PlatformStatusQueryVariables>;
export const PredictDocument = {"__meta__":{"hash":"d647f801af0ed9124898e10f4824b0ebb0baddf13a8080a1305ebb47572b4cd9"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"Predict"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"PredictInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"predict"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"predictions"}},{"kind":"Field","name":{"kind":"Name","value":"missingFeatures"}},{"kind":"Field","name":{"kind":"Name","value":"modelVersion"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"aliases"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"UserErrorFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"UserErrorFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"UserError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"code"}}]}}]} as unknown as DocumentNode<PredictMutation, PredictMutationVariables>;
export const MaterializeDocument = {"__meta__":{"hash":"c9a23c13da501c107dca5c29d7dc8f77659377d8cf0c3f53899a513306e6b8ab"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"Materialize"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"MaterializeInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"materialize"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"operation"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"MaterializationFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"UserErrorFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"MaterializationFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Materialization"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"featureViews"}},{"kind":"Field","name":{"kind":"Name","value":"start"}},{"kind":"Field","name":{"kind":"Name","value":"end"}},{"kind":"Field","name":{"kind":"Name","value":"incremental"}},{"kind":"Field","name":{"kind":"Name","value":"rowsWritten"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"error"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"UserErrorFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"UserError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"code"}}]}}]} as unknown as DocumentNode<MaterializeMutation, MaterializeMutationVariables>;
export const MaterializationDocument = {"__meta__":{"hash":"1003cf88593ca87bf742ae2b46b92d59f0ea47bb8f91c176c348a7a1b585a4f2"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Materialization"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"materialization"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"MaterializationFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"MaterializationFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Materialization"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"featureViews"}},{"kind":"Field","name":{"kind":"Name","value":"start"}},{"kind":"Field","name":{"kind":"Name","value":"end"}},{"kind":"Field","name":{"kind":"Name","value":"incremental"}},{"kind":"Field","name":{"kind":"Name","value":"rowsWritten"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"error"}}]}}]} as unknown as DocumentNode<MaterializationQuery, MaterializationQueryVariables>;
export const OnlineFeaturesDocument = {"__meta__":{"hash":"eee657177078971daa677af8ff7c0feeb823624b6798523ac379a34c84530ad4"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"OnlineFeatures"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"OnlineFeaturesInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"onlineFeatures"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"columns"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"dtype"}}]}},{"kind":"Field","name":{"kind":"Name","value":"rows"}},{"kind":"Field","name":{"kind":"Name","value":"statuses"}},{"kind":"Field","name":{"kind":"Name","value":"eventTimestamps"}}]}}]}}]} as unknown as DocumentNode<OnlineFeaturesQuery, OnlineFeaturesQueryVariables>;
export const PushFeaturesDocument = {"__meta__":{"hash":"6414e28e9e644651d6cadf2579d88989416b2ca55e97373ea3ddb669b9950b1a"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"PushFeatures"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"PushFeaturesInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"pushFeatures"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"rowsWritten"}},{"kind":"Field","name":{"kind":"Name","value":"to"}},{"kind":"Field","name":{"kind":"Name","value":"snapshotId"}},{"kind":"Field","name":{"kind":"Name","value":"staleRows"}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"UserErrorFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"UserErrorFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"UserError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"code"}}]}}]} as unknown as DocumentNode<PushFeaturesMutation, PushFeaturesMutationVariables>;
export const ExportHistoricalFeaturesDocument = {"__meta__":{"hash":"af089481dee880aef3ff29ea24f395159ebe90e34b4542def0ff4b9aa97a903b"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ExportHistoricalFeatures"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"HistoricalFeaturesInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"exportHistoricalFeatures"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"export"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"format"}},{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"rowCount"}},{"kind":"Field","name":{"kind":"Name","value":"bytes"}},{"kind":"Field","name":{"kind":"Name","value":"columns"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"dtype"}}]}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"UserErrorFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"UserErrorFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"UserError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"code"}}]}}]} as unknown as DocumentNode<ExportHistoricalFeaturesMutation, ExportHistoricalFeaturesMutationVariables>;