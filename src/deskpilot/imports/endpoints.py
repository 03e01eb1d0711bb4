"""HTTP for imports: upload a file of customers or orders, read an import's outcome.

A failed import answers 422 in the usual error shape, one field per refused row
(``rows[12].email``), with ``Location`` naming the import record, which is kept.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, UploadFile, status
from fastapi.responses import JSONResponse

from deskpilot.auth.dependencies import AdminAuth
from deskpilot.imports import service
from deskpilot.imports.readers import FileFormat, guess_format
from deskpilot.imports.records import ImportKind
from deskpilot.imports.schemas import ImportRead
from deskpilot.kit.deps import SessionDep
from deskpilot.kit.error_handlers import error_body
from deskpilot.kit.errors import FieldError, InvalidInput

router = APIRouter(prefix="/api/v1/imports", tags=["imports"])

Upload = Annotated[UploadFile, File(description="The CSV, JSON array or NDJSON file.")]
MappingForm = Annotated[
    str | None,
    Form(description='JSON object of field → column, e.g. {"email": "E-mail", "name": "Name"}.'),
]
FormatForm = Annotated[
    FileFormat | None, Form(description="csv, json or ndjson; default: from the file name.")
]
RegionForm = Annotated[
    str | None, Form(description="Region for national phone numbers (ISO 3166, e.g. DE).")
]
FAILED_RESPONSE: dict[int | str, dict[str, Any]] = {
    422: {"description": "Rows were refused; nothing was imported."}
}


def _mapping(raw: str | None) -> dict[str, str]:
    if raw is None or not raw.strip():
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        raise InvalidInput.field("body.mapping", "is not JSON") from None
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise InvalidInput.field("body.mapping", "must be a JSON object of field: column")
    return value


def _format(file: UploadFile, given: FileFormat | None) -> FileFormat:
    found = given or guess_format(file.filename)
    if found is None:
        raise InvalidInput.field("body.format", "say csv, json or ndjson (the file name does not)")
    return found


def _region(raw: str | None) -> str | None:
    if raw is None or not raw.strip():
        return None
    if len(raw.strip()) != 2 or not raw.strip().isalpha():
        raise InvalidInput.field("body.region", "must be a two-letter ISO 3166 code")
    return raw.strip().upper()


async def _run(
    kind: ImportKind,
    session: SessionDep,
    workspace_id: str,
    file: UploadFile,
    mapping: str | None,
    file_format: FileFormat | None,
    region: str | None,
) -> JSONResponse:
    job = await service.import_file(
        session,
        workspace_id,
        kind,
        file.file,
        _format(file, file_format),
        _mapping(mapping),
        filename=file.filename,
        default_region=_region(region),
    )
    read = ImportRead.model_validate(job)
    location = {"Location": f"/api/v1/imports/{job.id}"}
    if job.status == service.SUCCEEDED:
        return JSONResponse(read.model_dump(mode="json"), status.HTTP_201_CREATED, location)
    fields = [FieldError(f"rows[{e.row}].{e.field}", e.reason) for e in read.errors]
    message = (
        f"{job.rows_failed} of {job.rows_total} rows were refused; nothing was imported "
        f"(import {job.id})"
    )
    # The import record is kept (the transaction commits): the 422 is returned, not raised.
    return JSONResponse(error_body(InvalidInput.code, message, fields), 422, location)


@router.post(
    "/customers",
    status_code=status.HTTP_201_CREATED,
    response_model=ImportRead,
    responses=FAILED_RESPONSE,
)
async def import_customers(
    principal: AdminAuth,
    session: SessionDep,
    file: Upload,
    mapping: MappingForm = None,
    format: FormatForm = None,
    region: RegionForm = None,
) -> JSONResponse:
    """Upsert customers from a file: all rows, or (when any row is refused) none."""
    return await _run(
        ImportKind.CUSTOMERS, session, principal.workspace_id, file, mapping, format, region
    )


@router.post(
    "/orders",
    status_code=status.HTTP_201_CREATED,
    response_model=ImportRead,
    responses=FAILED_RESPONSE,
)
async def import_orders(
    principal: AdminAuth,
    session: SessionDep,
    file: Upload,
    mapping: MappingForm = None,
    format: FormatForm = None,
    region: RegionForm = None,
) -> JSONResponse:
    """Upsert orders from a file, linked to the customers their references name."""
    return await _run(
        ImportKind.ORDERS, session, principal.workspace_id, file, mapping, format, region
    )


@router.get("/{import_id}")
async def get_import(import_id: str, principal: AdminAuth, session: SessionDep) -> ImportRead:
    return ImportRead.model_validate(
        await service.get_import(session, principal.workspace_id, import_id)
    )
