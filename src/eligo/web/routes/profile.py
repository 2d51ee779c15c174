"""The child's profile on the web: the editor on /match, uploading a profile file, downloading it, its format.

Thin handlers over `eligo.patients.form` (fields both ways) and `eligo.web.editor` (what the page shows).
The session keeps the profile's JSON and, beside it, what the form keeps as it is (unknown fields of an
uploaded file; `eligo.web.visitor.stored_profile`), so "Change the details" opens the filled form and
submitting it drops nothing.
"""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from eligo.patients.errors import ProfileError
from eligo.patients.form import KEPT_FIELD, FormError, FormFields, fields_from_profile, kept_of, read_form
from eligo.patients.limits import parse_json
from eligo.patients.load import MAX_PROFILE_BYTES, profile_from_data, split_known
from eligo.patients.profile import PatientProfile
from eligo.web import editor, visitor
from eligo.web.deps import CsrfForm, render

router = APIRouter(include_in_schema=False)
NEW_FORM = FormFields({"diagnosis": "neuroblastoma"}, {})


def _page(
    request: Request,
    form: FormFields,
    *,
    errors: dict[str, str] | None = None,
    add: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    context = editor.editor_context(
        form, editor.audience_for(request), errors=errors, add=add, editing=visitor.stored_profile(request) is not None
    )
    context["has_profile"] = request.state.session.profile is not None
    return render(request, "match_form.html", context, status, private=True)


@router.get("/match", response_class=HTMLResponse)
def match_form(request: Request) -> HTMLResponse:
    stored = visitor.stored_profile(request)
    if stored is None:
        return _page(request, NEW_FORM)
    data, extra = stored
    shown = fields_from_profile({**data, **extra})
    return _page(request, shown)


@router.post("/match", response_class=HTMLResponse)
def match_submit(request: Request, form: CsrfForm) -> Response:
    fields = {key: value for key, value in form.items() if isinstance(value, str) and key != "csrf_token"}
    kept = kept_of(fields.get(KEPT_FIELD))
    shown = FormFields({key: value for key, value in fields.items() if key not in (KEPT_FIELD, "add")}, kept)
    if add := fields.get("add"):
        # "Add another row" without JavaScript: the same form again, one more blank row, nothing checked yet.
        return _page(request, shown, add=add)
    try:
        found = read_form(fields)
    except FormError as error:
        return _page(request, shown, errors=error.fields, status=422)
    visitor.keep_profile(request, found.data, found.extra)
    return RedirectResponse("/match/results", status_code=303)


@router.post("/match/upload", response_class=HTMLResponse)
def match_upload(request: Request, profile_file: Annotated[UploadFile, Form()], _csrf: CsrfForm) -> Response:
    raw = profile_file.file.read(MAX_PROFILE_BYTES + 1)  # spooled by the form parser; never more than the limit
    try:
        data = parse_json(raw, "upload")
        if not isinstance(data, dict):
            raise ProfileError("upload", ["expected a JSON object with the profile's fields"])
        known, extra = split_known(data)
        profile_from_data(known, source="upload")
    except ProfileError as error:
        errors = {"profile_file": "; ".join(error.problems)}
        return _page(request, NEW_FORM, errors=errors, status=422)
    visitor.keep_profile(request, known, extra)
    # Fields Eligo does not use are kept, and shown on the form first: a misspelt field is seen, not ignored.
    return RedirectResponse("/match" if extra else "/match/results", status_code=303)


@router.post("/match/forget")
def forget_profile(request: Request, _csrf: CsrfForm) -> Response:
    request.state.session.set_profile(None)
    return RedirectResponse("/match", status_code=303)


@router.get("/match/profile.json")
def download_profile(request: Request) -> Response:
    """The profile as the session holds it, with what was kept beside it: the file to upload again later."""
    stored = visitor.stored_profile(request)
    if stored is None:
        return RedirectResponse("/match", status_code=303)
    data, extra = stored
    body = json.dumps({**data, **extra}, ensure_ascii=False, indent=2)
    return Response(
        body,
        media_type="application/json",
        headers={"cache-control": "no-store", "content-disposition": 'attachment; filename="eligo-profile.json"'},
    )


@router.get("/match/format", response_class=HTMLResponse)
def profile_format(request: Request) -> HTMLResponse:
    """Every field of a profile, its type and allowed values, read from the model (works offline)."""
    return render(
        request,
        "profile_format.html",
        {"rows": editor.format_rows(), "lab_names": editor.layout().option_words("lab_names")},
        private=True,
    )


@router.get("/match/profile-schema.json")
def profile_schema() -> Response:
    schema = PatientProfile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return Response(
        json.dumps(schema, indent=2),
        media_type="application/json",
        headers={"content-disposition": 'attachment; filename="patient-profile.schema.json"'},
    )
