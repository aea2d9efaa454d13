"""A deployed process definition as the official SOP document (Permenpan RB 35/2012).

The document has a header ("identitas": Nomor SOP, dates, Disahkan oleh, Nama SOP, then
Dasar Hukum, Kualifikasi Pelaksana, Keterkaitan, Peralatan/Perlengkapan, Peringatan,
Pencatatan dan Pendataan) and a table: one row per Kegiatan, a column per Pelaksana (lane)
holding the step's flowchart symbol, the Mutu Baku (Kelengkapan, Waktu, Output) and
Keterangan, followed by "Waktu yang diperlukan".

Everything is read from the definition's BPMN (README, "Konvensi BPMN"): header values from
``spiffworkflow:property`` elements on ``bpmn:process``, rows from the user tasks and their
properties, decisions from the exclusive gateways after them. This module only describes the
document; ``web.views.documents`` draws it as HTML, ``web.sop_pdf`` as PDF.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from engine.bpmn.catalog import build_catalog, process_properties
from engine.bpmn.graph import END, FlowGraph
from engine.bpmn.validation import executable_process, read_xml
from engine.time.duration import office_units

EMPTY = "—"

# (property name, label) of the identitas, in the order the regulation prints them.
IDENTITAS = (
    ("nomor_sop", "Nomor SOP"),
    ("tanggal_pembuatan", "Tanggal Pembuatan"),
    ("tanggal_revisi", "Tanggal Revisi"),
    ("tanggal_efektif", "Tanggal Efektif"),
    ("disahkan_oleh", "Disahkan oleh"),
    ("nama_sop", "Nama SOP"),
)
# The grid under the identitas: pairs printed side by side, left then right.
GRID = (
    (("dasar_hukum", "Dasar Hukum"), ("kualifikasi_pelaksana", "Kualifikasi Pelaksana")),
    (("keterkaitan", "Keterkaitan"), ("peralatan_perlengkapan", "Peralatan/Perlengkapan")),
    (("peringatan", "Peringatan"), ("pencatatan_pendataan", "Pencatatan dan Pendataan")),
)
HEADER_FIELDS = tuple(name for name, _ in IDENTITAS) + tuple(
    name for pair in GRID for name, _ in pair)


class Definition(Protocol):
    """What the document needs of a ``ProcessDefinition``."""

    key: str
    version: int
    name: str
    bpmn_xml: str
    deployed_at: datetime


@dataclass(frozen=True)
class DecisionExit:
    """One outgoing flow of a decision: its label and the No of the row it leads to.

    ``target`` is the target row's No, or ``"Selesai"`` when the flow ends the process.
    """

    label: str
    target: str

    @property
    def short(self) -> str:
        """The label up to its first comma: "Ya, tandatangani ..." -> "Ya"."""
        return self.label.split(",", 1)[0].strip()


@dataclass(frozen=True)
class SopRow:
    """One row of the table: a Kegiatan, its Pelaksana's symbol and its Mutu Baku.

    ``column`` is the index of ``lane`` in the document's lanes. ``symbol`` is
    ``"terminator"`` (first and last rows), ``"decision"`` (the step is followed by an
    exclusive gateway; this wins over terminator, so the exits stay visible) or
    ``"process"``. Connectors join consecutive rows when the first flows into the second:
    ``incoming`` says the previous row flows into this one (an arrow enters the symbol from
    above); ``to_column`` is the next row's column when this row flows into it, else None
    (a line leaves the symbol's side towards that column, or its bottom when the column is
    the same, and runs down to the next row). ``duration`` is the ISO 8601 duration of the
    step's timer, None for Waktu such as "Relatif".
    """

    no: str
    kegiatan: str
    lane: str
    column: int
    symbol: str
    kelengkapan: str
    waktu: str
    output: str
    keterangan: str
    exits: tuple[DecisionExit, ...]
    duration: str | None
    incoming: bool
    to_column: int | None

    @property
    def continues(self) -> bool:
        """Whether this row flows into the next one (a connector joins them)."""
        return self.to_column is not None


@dataclass(frozen=True)
class TotalTime:
    """"Waktu yang diperlukan": the sum of the fixed step times, and what it leaves out.

    ``text`` is in office units ("13 hari 2 jam 30 menit", see ``office_units``);
    ``untimed`` lists ``(no, waktu)`` of the steps without a fixed time ("Relatif",
    "Situasional ...").
    """

    text: str
    untimed: tuple[tuple[str, str], ...]

    @property
    def note(self) -> str:
        """A sentence naming the steps the sum leaves out, or an empty string."""
        if not self.untimed:
            return ""
        steps = ", ".join(f"No {no} ({waktu or 'tanpa waktu'})" for no, waktu in self.untimed)
        return f"Belum termasuk langkah tanpa waktu tetap: {steps}."


@dataclass(frozen=True)
class SopDocument:
    """The SOP document of one process definition version.

    ``header`` maps every name of ``HEADER_FIELDS`` to its text, ``"—"`` when the BPMN
    does not say (Nama SOP falls back to the definition's name). ``lanes`` are the
    Pelaksana columns, in the order they first act.
    """

    key: str
    version: int
    name: str
    header: dict[str, str]
    lanes: list[str]
    rows: list[SopRow]
    total: TotalTime

    def items(self, name: str) -> list[str]:
        """The header value ``name`` as its items, in order; [] when it is missing.

        The table importer joins the items of a cell with "; " (bpmn/sop-tables/README.md),
        a modeller may use line breaks; a leading "1." or "a)" is dropped, since the
        document numbers the items itself. "Disahkan oleh" gives title, name and NIP.
        """
        value = self.header.get(name, EMPTY)
        if value == EMPTY:
            return []
        parts = re.split(r"\s*;\s+|\s*\n\s*", value.strip())
        return [re.sub(r"^(\d+|[a-z])[.)]\s+", "", part) for part in parts if part.strip()]

    @property
    def signature(self) -> tuple[str, str, str]:
        """``(jabatan, nama, NIP)`` of the official who signs (Disahkan oleh, "jabatan;
        nama; NIP"), each "" when not written; the NIP without its "NIP" prefix."""
        found = self.items("disahkan_oleh") + ["", "", ""]
        nip = re.sub(r"^NIP\.?\s*", "", found[2], flags=re.IGNORECASE)
        return found[0], found[1], nip


def identity_changes(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, str, str]]:
    """The SOP document's identitas and grid fields (``IDENTITAS``, ``GRID``) that the
    version of catalog ``new`` writes otherwise than that of ``old``, in the document's
    order: ``[(label, old text, new text)]``, ``"—"`` for a field left empty; Tanggal
    Revisi is left out (each version is a revision). Read from the catalogs' process
    ``properties`` (``engine.bpmn.catalog``), never the BPMN; a catalog built before they
    were kept has none, and nothing is said. Found by the administrator probe: a
    revision's new Nomor SOP and Disahkan oleh showed in no preview."""
    if "properties" not in old or "properties" not in new:
        return []
    labels = [*IDENTITAS, *(item for pair in GRID for item in pair)]
    before, after = old["properties"], new["properties"]
    return [(label, before.get(name, EMPTY), after.get(name, EMPTY)) for name, label in labels
            if name != "tanggal_revisi" and before.get(name, EMPTY) != after.get(name, EMPTY)]


def document_of(definition: Definition, timezone: str = "Asia/Jakarta") -> SopDocument:
    """Describe ``definition`` (a deployed ``ProcessDefinition``) as its SOP document.

    A revision (version 2 on) whose BPMN leaves Tanggal Revisi empty gets the day it was
    uploaded, in ``timezone`` (the office's IANA zone): the version is the revision.

    Rows are the user tasks ordered by their ``no`` property (numerically by its leading
    number), then by document order; a task without ``no`` is numbered by its position.

    Raises:
        InvalidProcess: the stored BPMN no longer parses (it did when it was deployed).
    """
    process = executable_process(read_xml(definition.bpmn_xml.encode("utf-8")))
    catalog = build_catalog(process)
    tasks = catalog["tasks"]  # in document order
    order = sorted(tasks, key=lambda task_id: _number(tasks[task_id]["no"]))  # stable sort
    numbers = {task_id: tasks[task_id]["no"].strip() or str(position)
               for position, task_id in enumerate(order, start=1)}
    lanes = _lanes_in_acting_order(catalog, order)
    graph = FlowGraph(process)

    columns = [lanes.index(tasks[t]["lane"]) if tasks[t]["lane"] in lanes else 0 for t in order]
    flows_on = [index + 1 < len(order) and order[index + 1] in graph.successors(task_id)
                for index, task_id in enumerate(order)]
    rows: list[SopRow] = []
    for index, task_id in enumerate(order):
        entry = tasks[task_id]
        exits = tuple(DecisionExit(label, _row_numbers(targets, order, numbers))
                      for label, targets in graph.decision_exits(task_id))
        if exits:
            symbol = "decision"
        elif index in (0, len(order) - 1):
            symbol = "terminator"
        else:
            symbol = "process"
        rows.append(SopRow(
            no=numbers[task_id], kegiatan=entry["name"], lane=entry["lane"] or EMPTY,
            column=columns[index], symbol=symbol, kelengkapan=entry["kelengkapan"],
            waktu=entry["waktu"], output=entry["output"], keterangan=entry["keterangan"],
            exits=exits, duration=entry["duration"],
            incoming=index > 0 and flows_on[index - 1],
            to_column=columns[index + 1] if flows_on[index] else None))

    header = {name: EMPTY for name in HEADER_FIELDS}
    header.update({name: value for name, value in process_properties(process).items()
                   if name in header and value.strip()})
    if header["nama_sop"] == EMPTY:
        header["nama_sop"] = definition.name
    if header["tanggal_revisi"] == EMPTY and definition.version > 1:
        header["tanggal_revisi"] = long_date(definition.deployed_at.astimezone(
            ZoneInfo(timezone)).date())
    return SopDocument(key=definition.key, version=definition.version, name=definition.name,
                       header=header, lanes=lanes, rows=rows, total=total_time(rows))


MONTH_NAMES = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
               "September", "Oktober", "November", "Desember")


def long_date(day: date) -> str:
    """``7 Desember 2026``: a date as Indonesian official documents write it."""
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def total_time(rows: list[SopRow]) -> TotalTime:
    """Sum the timers of ``rows`` in office units; list the rows without one."""
    durations = [row.duration for row in rows if row.duration]
    untimed = tuple((row.no, row.waktu) for row in rows if not row.duration)
    return TotalTime(text=office_units(durations) if durations else EMPTY, untimed=untimed)


def _number(no: str) -> float:
    match = re.match(r"\s*(\d+)", no or "")
    return int(match.group(1)) if match else float("inf")


def _row_numbers(targets: set[str], order: list[str], numbers: dict[str, str]) -> str:
    """"5", "5, 7" or "Selesai": the rows a flow leads to, in table order."""
    rows = [numbers[t] for t in order if t in targets]
    return ", ".join(rows + ([END] if targets - set(numbers) else []))


def _lanes_in_acting_order(catalog: dict, order: list[str]) -> list[str]:
    """Lanes in the order their first step appears, then lanes without steps."""
    lanes: list[str] = []
    for task_id in order:
        lane = catalog["tasks"][task_id]["lane"]
        if lane and lane not in lanes:
            lanes.append(lane)
    return lanes + [lane for lane in catalog["lanes"] if lane not in lanes]
