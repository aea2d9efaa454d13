"""Every SOP of the seed documents, transcribed as a Permenpan table in bpmn/sop-tables/,
becomes BPMN that deploys and runs to its end; the bundled BPMN files agree with them."""

from pathlib import Path

import pytest
from sqlalchemy import select

from engine.errors import InvalidProcess
from engine.models import HumanTask
from engine.process.deploy import deploy
from engine.process.instances import start_instance
from engine.process.tasks import complete_task, task_entry
from engine.sop.table import import_table
from tests.conftest import BPMN_DIR

TABLES = sorted((BPMN_DIR / "sop-tables").glob("*.csv"))
HAND_MODELLED = ("penanganan_gangguan_server", "penanganan_permintaan_layanan_ti",
                 "pengelolaan_konten_website", "penyusunan_rkt", "penyusunan_skp_prakom")


def _steps(catalog: dict) -> list[tuple[str, str, str, str | None]]:
    return sorted((step_id, step["name"], step["lane"], step["duration"])
                  for step_id, step in catalog["tasks"].items())


def test_every_seed_sop_is_transcribed():
    assert len(TABLES) == 23
    assert {t.stem for t in TABLES} == {p.stem for p in BPMN_DIR.glob("*.bpmn")}


@pytest.mark.parametrize("table", TABLES, ids=lambda p: p.stem)
def test_table_deploys_and_runs_to_the_end(session, clock, users, table: Path):
    definition, created = deploy(session, clock, import_table(table.read_bytes(), table.name))
    assert created and definition.key == table.stem
    first_lane = definition.catalog["tasks"]["Kegiatan_1"]["lane"]
    instance = start_instance(session, clock, process_key=definition.key, title="Uji",
                              user=users[first_lane])
    answered: set[str] = set()
    for _ in range(200):
        open_task = session.scalars(select(HumanTask).where(
            HumanTask.instance_id == instance.id, HumanTask.state == "open")).one_or_none()
        if open_task is None:
            break
        data = {}
        for field in task_entry(open_task)["fields"]:
            if field["type"] == "choice":
                # "tidak" the first time at each decision (loops back), "ya" afterwards.
                data[field["name"]] = "ya" if field["name"] in answered else "tidak"
                data["catatan"] = "Alasan keputusan"
                answered.add(field["name"])
        complete_task(session, clock, open_task.id, users[open_task.role], data)
    assert instance.status == "completed"


@pytest.mark.parametrize("key", HAND_MODELLED)
def test_hand_modelled_sop_and_its_generated_twin_agree(session, clock, key):
    hand, _ = deploy(session, clock, (BPMN_DIR / f"{key}.bpmn").read_bytes())
    table = BPMN_DIR / "sop-tables" / f"{key}.csv"
    # Another SOP, so another name too (two SOPs of one name are refused).
    twin_xml = import_table(table.read_bytes(), table.name).replace(
        f'"{key}"'.encode(), f'"{key}_twin"'.encode()).replace(
        f'name="{hand.name}"'.encode(), f'name="{hand.name} (kembar)"'.encode())
    twin, _ = deploy(session, clock, twin_xml)
    assert _steps(twin.catalog) == _steps(hand.catalog)
    assert twin.catalog["lanes"] == hand.catalog["lanes"]


@pytest.mark.parametrize("table", [t for t in TABLES if t.stem not in HAND_MODELLED],
                         ids=lambda p: p.stem)
def test_bundled_bpmn_is_the_table_converted(table: Path):
    assert (BPMN_DIR / f"{table.stem}.bpmn").read_bytes() == import_table(
        table.read_bytes(), table.name)


def test_every_bundled_sop_numbers_its_processes_with_a_prefix_of_its_own(session, clock):
    prefixes = {}
    for path in sorted(BPMN_DIR.glob("*.bpmn")):
        definition, _ = deploy(session, clock, path.read_bytes(), filename=path.name)
        prefixes.setdefault(definition.catalog["number_prefix"], []).append(definition.key)
    assert {prefix: keys for prefix, keys in prefixes.items() if len(keys) > 1} == {}
    assert prefixes["PMS"] == ["pemeliharaan_server"] and prefixes["PRS"] == ["perawatan_sipp"]


def test_a_table_s_number_prefix_is_checked_with_its_row_and_written_only_when_given():
    table = (BPMN_DIR / "sop-tables" / "perawatan_sipp.csv").read_text()
    assert 'name="prefiks_nomor" value="PRS"' in import_table(table.encode(), "t.csv").decode()
    without = table.replace("Prefiks Nomor,PRS\n", "")
    assert b"prefiks_nomor" not in import_table(without.encode(), "t.csv")
    row = table.splitlines().index("Prefiks Nomor,PRS") + 1
    with pytest.raises(InvalidProcess) as refused:
        import_table(table.replace("Prefiks Nomor,PRS", "Prefiks Nomor,P-RS").encode(), "t.csv")
    assert refused.value.problems == [
        f'Baris {row}, kolom Prefiks Nomor: "P-RS" harus 1–8 huruf A–Z atau angka 0–9, tanpa '
        'spasi, tanda baca atau huruf beraksen, mis. "LTI".']


@pytest.mark.parametrize("key", HAND_MODELLED)
def test_a_hand_modelled_sop_s_table_numbers_as_its_bpmn_does(session, clock, key):
    hand, _ = deploy(session, clock, (BPMN_DIR / f"{key}.bpmn").read_bytes())
    table = BPMN_DIR / "sop-tables" / f"{key}.csv"
    assert f'name="prefiks_nomor" value="{hand.catalog["number_prefix"]}"' in import_table(
        table.read_bytes(), table.name).decode()
