"""Steps the alert tests share: registry records to import, subscribing and confirming through the pages."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select

from eligo.cli.imports import import_paths
from eligo.store import ImportSummary, TrialStore
from eligo.store.tables import alert_matches, alert_subscriptions, outbox
from tests.accounts.helpers import csrf

LEEDS = ("Leeds General Infirmary", "Leeds", 53.80, -1.55)
SHEFFIELD = ("Sheffield Children's Hospital", "Sheffield", 53.38, -1.49)
ABERDEEN = ("Royal Aberdeen Children's Hospital", "Aberdeen", 57.14, -2.13)
NEUROBLASTOMA_NEAR_LEEDS = {"q": "neuroblastoma", "status": "open", "age": "7", "near": "Leeds", "within": "300"}


def study(
    nct_id: str,
    *,
    status: str = "RECRUITING",
    condition: str = "Neuroblastoma",
    min_age: str = "1 Year",
    criteria: str = "Inclusion Criteria:\n* Relapsed or refractory neuroblastoma\n",
    sites: tuple[tuple[str, str, float, float, str | None], ...] = (),
    updated: str = "2026-01-01",
) -> dict[str, Any]:
    """A ClinicalTrials.gov API v2 record; each site is (facility, city, lat, lon, its own status)."""
    return {
        "protocolSection": {
            "identificationModule": {"nctId": nct_id, "briefTitle": f"A test study {nct_id} of {condition.lower()}"},
            "statusModule": {"overallStatus": status, "lastUpdatePostDateStruct": {"date": updated}},
            "conditionsModule": {"conditions": [condition]},
            "eligibilityModule": {
                "eligibilityCriteria": criteria,
                "minimumAge": min_age,
                "maximumAge": "21 Years",
                "sex": "ALL",
            },
            "contactsLocationsModule": {
                "locations": [
                    {
                        "facility": facility,
                        "city": city,
                        "country": "United Kingdom",
                        **({"status": site_status} if site_status else {}),
                        "geoPoint": {"lat": lat, "lon": lon},
                    }
                    for facility, city, lat, lon, site_status in sites
                ]
            },
        }
    }


def site(
    place: tuple[str, str, float, float], status: str | None = "RECRUITING"
) -> tuple[str, str, float, float, str | None]:
    return (*place, status)


def import_studies(store: TrialStore, folder: Path, *studies: dict[str, Any]) -> ImportSummary:
    path = folder / "studies.json"
    path.write_text(json.dumps(list(studies)), encoding="utf-8")
    summary = import_paths(store, [path])
    assert summary.failed == 0, summary.problems
    return summary


def alert_rows(store: TrialStore) -> list[tuple[int, str, str, str]]:
    """(subscription id, NCT id, reason, detail) of every recorded alert."""
    with store.engine.connect() as connection:
        rows = connection.execute(
            select(
                alert_matches.c.subscription_id, alert_matches.c.nct_id, alert_matches.c.reason, alert_matches.c.detail
            ).order_by(alert_matches.c.id)
        )
        return [(int(row.subscription_id), row.nct_id, row.reason, row.detail) for row in rows]


def subscription_count(store: TrialStore) -> int:
    with store.engine.connect() as connection:
        return len(list(connection.execute(select(alert_subscriptions.c.id))))


def outbox_count(store: TrialStore) -> int:
    with store.engine.connect() as connection:
        return len(list(connection.execute(select(outbox.c.id))))


def subscribe(
    client: TestClient, email: str, search: dict[str, str] | None = None, frequency: str = "immediate"
) -> Response:
    """Post the subscribe form as the page /alerts/new would."""
    fields = search if search is not None else NEUROBLASTOMA_NEAR_LEEDS
    token = csrf(client, "/alerts/new?q=neuroblastoma")
    data = {"csrf_token": token, "email": email, "frequency": frequency, **fields}
    response: Response = client.post("/alerts/subscribe", data=data, follow_redirects=False)
    return response


def unsubscribe_path(text: str) -> str:
    found = re.search(r"https?://\S+?(/alerts/unsubscribe/\S+)", text)
    assert found, "no unsubscribe link"
    return found.group(1)
