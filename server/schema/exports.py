"""GraphQL types of exports: large results written to a file the caller downloads."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

import strawberry

from server.schema.common import Long, UserError
from server.schema.enums import ExportFormat
from server.schema.serving import FeatureColumn
from server.services.exports import ExportRecord


@strawberry.type(description="A result written to a file, to download with GET on `url` (with the same token).")
class FeatureExport:
    id: strawberry.ID = strawberry.field(description="Export id.")
    format: ExportFormat = strawberry.field(description="File format: PARQUET.")
    url: str = strawberry.field(
        description="Where to download it, relative to this server: /exports/<id>.parquet. Only the caller who "
        "made the export, or an admin, may download it."
    )
    row_count: Long = strawberry.field(description="Rows in the file.")
    bytes: Long = strawberry.field(description="Size of the file in bytes.")
    columns: list[FeatureColumn] = strawberry.field(
        description="Columns of the file, in order: join keys, event_timestamp (UTC), then the features."
    )
    created_at: datetime = strawberry.field(description="When the file was written.")
    expires_at: datetime = strawberry.field(description="When the file is deleted (ASGARD_EXPORT_TTL_SECONDS).")

    @classmethod
    def from_record(cls, r: ExportRecord) -> FeatureExport:
        return cls(
            id=strawberry.ID(r.id),
            format=ExportFormat(r.format.value),
            url=r.url,
            row_count=r.row_count,
            bytes=r.size_bytes,
            columns=[FeatureColumn.from_record(c) for c in r.columns],
            created_at=r.created_at,
            expires_at=r.expires_at,
        )


@strawberry.type(description="Result of exportHistoricalFeatures.")
class HistoricalExportPayload:
    export: Optional[FeatureExport] = strawberry.field(default=None, description="The written export; null on errors.")
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing was exported, if so."
    )
