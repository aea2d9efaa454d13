"""Plausible values for declared forms, so that the demo history fills the bundled SOPs'
forms the way an office would (required fields always, others half of the time)."""

import random
from datetime import datetime
from typing import Any

from engine.bpmn.forms import fields

_TEXTS = ("Sudah ditangani sesuai prosedur", "Perlu pengecekan ulang perangkat",
          "Kepaniteraan Pidana", "Sub Bagian Umum", "Data sudah lengkap")


def sample(rng: random.Random, form: dict[str, Any] | None, preset: dict[str, Any],
           moment: datetime) -> dict[str, Any]:
    """Values for ``form``'s fields: ``preset`` where it names the field (e.g. the incident's
    ``prioritas``), otherwise a random fitting value; file fields are left empty."""
    values: dict[str, Any] = {}
    for field in fields(form):
        name, kind = field["name"], field["kind"]
        if name in preset:
            values[name] = preset[name]
        elif kind == "file" or (not field["required"] and rng.random() < 0.5):
            continue
        elif kind in ("choice", "multi"):
            choice = rng.choice(field["choices"])["value"]
            values[name] = [choice] if kind == "multi" else choice
        elif kind == "number":
            values[name] = rng.randint(1, 4) if "kepuasan" in name else moment.year + 1
        elif kind == "date":
            values[name] = moment.date().isoformat()
        elif kind == "datetime":
            values[name] = moment.replace(microsecond=0, tzinfo=None).isoformat()
        elif kind == "boolean":
            values[name] = rng.random() < 0.5
        else:
            values[name] = rng.choice(_TEXTS)
    return values
