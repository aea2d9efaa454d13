"""The lanes of an uploaded BPMN: each one a role (the Pelaksana of its steps,
Permenpan RB 35/2012), each user task in exactly one, with its Kegiatan as its name
(README, "Konvensi BPMN")."""

import difflib
import unicodedata
from collections.abc import Iterable

from lxml import etree

from engine.bpmn.xml import BPMN_NS, NS, where
from engine.roles import KNOWN_ROLES


def _hidden_characters(name: str) -> str:
    """A hint naming the characters of ``name`` that cannot be seen or look like a space
    (pasted from a document: U+00A0, U+200B), which make "Bidang Terkait" no role's name
    though it reads as one; empty when there are none."""
    hidden = dict.fromkeys(f"U+{ord(char):04X}" for char in name if char != " " and
                           unicodedata.category(char) in ("Cc", "Cf", "Zs", "Zl", "Zp"))
    if not hidden:
        return ""
    return (f" (memuat karakter tak terlihat atau spasi lain: {', '.join(hidden)}; ketik ulang "
            "namanya)")


def lane_problems(root: etree._Element, process: etree._Element) -> Iterable[str]:
    """One sentence per problem of the file's lanes, each naming the element and line:
    a name that is no role (``engine.roles.KNOWN_ROLES``), a flowNodeRef to nothing of its
    process or to an element of another lane, a user task outside every lane or without
    a name. SpiffWorkflow assigns lanes from every flowNodeRef in the document, so all
    are checked."""
    lane_of: dict[str, etree._Element] = {}
    members: dict[str, set[str | None]] = {}
    for lane in root.iter(f"{{{BPMN_NS}}}lane"):
        name = lane.get("name") or ""
        if name not in KNOWN_ROLES:
            # SpiffWorkflow keeps the name as written, so " Prakom" would be no one's role.
            cased = {role.lower(): role for role in KNOWN_ROLES}.get(name.strip().lower())
            hint = (" (hapus spasi di awal/akhir)" if name.strip() in KNOWN_ROLES
                    else f' (maksud Anda "{cased}"? tulis persis begitu)' if cased
                    else _hidden_characters(name))
            yield (f'{where(lane)}: nama lane "{name[:100]}" bukan peran yang dikenal{hint} '
                   f"({', '.join(KNOWN_ROLES)}).")
        home = next(lane.iterancestors(f"{{{BPMN_NS}}}process"), None)
        home_id = None if home is None else home.get("id")
        if home_id not in members:  # once per process: a file may hold many lanes
            members[home_id] = set() if home is None else {
                child.get("id") for child in home.iterchildren(tag=etree.Element)}
        for ref in lane.findall("bpmn:flowNodeRef", NS):
            if ref.text not in members[home_id]:
                yield (f'{where(lane)}: flowNodeRef "{(ref.text or "")[:100]}" (baris '
                       f"{ref.sourceline}) tidak merujuk elemen proses lane ini.")
            elif ref.text in lane_of:
                yield (f'{where(lane)}: elemen "{ref.text}" sudah berada di '
                       f"{where(lane_of[ref.text])}; satu elemen hanya boleh di satu lane.")
            else:
                lane_of[ref.text] = lane
    for task in process.findall("bpmn:userTask", NS):
        if task.get("id") not in lane_of:
            yield f"{where(task)}: user task harus berada di dalam lane (lane = peran Pelaksana)."
        if not (task.get("name") or "").strip():  # the step's name everywhere is its Kegiatan
            yield (f"{where(task)}: user task harus punya name, yaitu teks Kegiatan-nya"
                   f"{_misspelt_name(task)}.")


def _misspelt_name(task: etree._Element) -> str:
    """The hint for a user task whose ``name`` was misspelt (``nama="..."``, ``Name``):
    the schema would name that attribute too, but it is read only after this check."""
    written = [name for name in task.attrib if "}" not in name and name != "name"]
    close = difflib.get_close_matches("name", [name.lower() for name in written], n=1)
    if not close:
        return ""
    misspelt = next(name for name in written if name.lower() == close[0])
    return f" (atribut '{misspelt[:40]}' salah ketik? tulis name=\"...\")"
